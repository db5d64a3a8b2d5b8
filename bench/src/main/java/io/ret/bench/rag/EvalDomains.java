package io.ret.bench.rag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Evaluation sets generated from a seed: two domains of XML records (a staff directory and
 * a product catalogue, each record with a repeated child element that becomes a child
 * table), and questions in four classes whose answers are known from the records:
 * identifier, name lookup, descriptive (a combination of attribute values that fits one
 * record, no id or name) and aggregation (count, sum, average, maximum over filters).
 * Nothing here is tuned to a retriever: the templates are fixed, the records random.
 */
final class EvalDomains {
    enum Kind { IDENTIFIER, NAME, DESCRIPTIVE, AGGREGATION }

    /**
     * @param table    the CSV the answering rows are in, named by record type as the merged conversion names it ("employee.csv")
     * @param idColumn the record id's value must be a whole field of an answering row
     * @param answers  ids of the rows that answer (for aggregation: the rows counted, or the top row)
     * @param expected what a correct answer states (a value, a name, or a number)
     * @param numeric  compare {@code expected} as a number
     */
    record Question(String domain, Kind kind, String text, String table, Set<String> answers, String expected,
                    boolean numeric) {}

    record Domain(String name, String xmlFile, String xml, String table, List<Question> questions) {}

    private static final String[] FIRST = {"Anna", "Lukas", "Marie", "Jonas", "Sofia", "Paul", "Emma", "Noah", "Lea",
            "Felix", "Clara", "Elias", "Hanna", "Ben", "Ida", "Theo", "Nora", "Leon", "Mila", "Finn", "Greta", "Oskar",
            "Alma", "Emil", "Frida", "Hugo", "Ines", "Jakob", "Karin", "Lars", "Maja", "Nils", "Olga", "Pavel", "Rosa",
            "Sven", "Tilda", "Ulrik", "Vera", "Wim"};
    private static final String[] LAST = {"Schmidt", "Novak", "Rossi", "Dubois", "Silva", "Jensen", "Kowalski", "Berg",
            "Moreau", "Fischer", "Costa", "Horvat", "Lindqvist", "Meyer", "Varga", "Olsen", "Nowak", "Ferrari", "Bernard",
            "Santos", "Hansen", "Wagner", "Becker", "Lambert", "Marino", "Kovac", "Nielsen", "Keller", "Roux", "Dahl",
            "Strand", "Brandt", "Lund", "Vogel", "Pohl", "Sauer", "Haas", "Engel", "Frank", "Winter"};
    private static final String[] TITLES = {"Data Engineer", "Accountant", "Sales Manager", "Recruiter", "Designer",
            "Support Agent", "Product Owner", "Analyst", "Buyer", "Lawyer", "Nurse", "Electrician"};
    private static final String[] DEPARTMENTS = {"Logistics", "Finance", "Marketing", "Human Resources", "Research",
            "Customer Care", "Legal", "Facilities"};
    private static final String[] OFFICES = {"Oslo", "Berlin", "Lyon", "Porto", "Turin", "Gdansk", "Ghent", "Aarhus",
            "Graz", "Brno"};
    private static final String[] SKILLS = {"Kotlin", "SQL", "Excel", "Negotiation", "Welding", "Python", "German",
            "French", "First Aid", "Forklift", "Photoshop", "Contract Law", "Payroll", "Tableau", "Spanish"};

    private static final String[] ADJECTIVES = {"Aurora", "Nordic", "Vertex", "Cobalt", "Summit", "Harbor", "Falcon",
            "Maple", "Granite", "Lumen", "Orbit", "Sierra", "Willow", "Zephyr", "Atlas", "Birch", "Crystal", "Delta",
            "Ember", "Fjord", "Glacier", "Horizon", "Ivory", "Juniper", "Kestrel", "Lagoon", "Meadow", "Nimbus",
            "Onyx", "Prairie"};
    private static final String[][] PRODUCTS = {{"Desk Lamp", "lighting"}, {"Floor Lamp", "lighting"},
            {"Ceiling Light", "lighting"}, {"Office Chair", "furniture"}, {"Standing Desk", "furniture"},
            {"Bookshelf", "furniture"}, {"Coffee Grinder", "kitchen"}, {"Kettle", "kitchen"}, {"Blender", "kitchen"},
            {"Drill Driver", "tools"}, {"Jigsaw", "tools"}, {"Tool Case", "tools"}, {"Backpack", "outdoor"},
            {"Tent", "outdoor"}, {"Sleeping Bag", "outdoor"}, {"Headphones", "audio"}, {"Speaker", "audio"},
            {"Microphone", "audio"}, {"Yoga Mat", "sports"}, {"Kettlebell", "sports"}, {"Rowing Machine", "sports"},
            {"Monitor Arm", "office"}, {"Paper Shredder", "office"}, {"Label Printer", "office"},
            {"Garden Hose", "garden"}, {"Lawn Mower", "garden"}, {"Planter", "garden"}, {"Baby Monitor", "baby"},
            {"Stroller", "baby"}, {"High Chair", "baby"}};
    private static final String[] BRANDS = {"Lumen", "Kraft", "Nordvik", "Alto", "Brio", "Corvus", "Dune", "Elva",
            "Fenix", "Gala"};
    private static final String[] COLORS = {"black", "white", "red", "green", "blue", "grey", "yellow", "oak"};
    private static final String[] WAREHOUSES = {"Rotterdam", "Hamburg", "Antwerp", "Gothenburg", "Marseille", "Valencia",
            "Poznan", "Tallinn"};
    private static final String[] TAGS = {"bestseller", "eco", "new", "clearance", "bundle", "premium", "refurbished",
            "limited"};

    private EvalDomains() {
    }

    record Person(String id, String name, String title, String department, String office, String phone, String email,
                  String hired, int salary, List<String> skills) {}

    record Product(String sku, String name, String category, String brand, String color, String warehouse, String price,
                   int stock, List<String> tags) {}

    static Domain staff(int count, long seed, int perKind) {
        Random r = new Random(seed);
        List<Person> people = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> ids = new HashSet<>();
        while (people.size() < count) {
            String first = pick(r, FIRST);
            String last = pick(r, LAST);
            String id = "E" + (10000 + r.nextInt(90000));
            if (!names.add(first + " " + last) || !ids.add(id)) {
                continue;
            }
            List<String> skills = new ArrayList<>();
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                String s = pick(r, SKILLS);
                if (!skills.contains(s)) {
                    skills.add(s);
                }
            }
            people.add(new Person(id, first + " " + last, pick(r, TITLES), pick(r, DEPARTMENTS), pick(r, OFFICES),
                    String.format("+47 %04d %04d", r.nextInt(10000), r.nextInt(10000)),
                    (first + "." + last + "@corp.example").toLowerCase(Locale.ROOT),
                    String.format("%d-%02d-%02d", 2008 + r.nextInt(17), 1 + r.nextInt(12), 1 + r.nextInt(28)),
                    42000 + 100 * r.nextInt(880), skills));
        }
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<directory>\n");
        for (Person p : people) {
            xml.append("  <employee id=\"").append(p.id()).append("\">")
                    .append(el("name", p.name())).append(el("title", p.title())).append(el("department", p.department()))
                    .append(el("office", p.office())).append(el("phone", p.phone())).append(el("email", p.email()))
                    .append(el("hired", p.hired())).append(el("salary", Integer.toString(p.salary())));
            p.skills().forEach(s -> xml.append(el("skill", s)));
            xml.append("</employee>\n");
        }
        xml.append("</directory>\n");

        String table = "employee.csv";
        List<Question> qs = new ArrayList<>();
        Random q = new Random(seed * 31 + 1);
        for (int i = 0; i < perKind; i++) {
            Person p = people.get(q.nextInt(people.size()));
            qs.add(switch (i % 4) {
                case 0 -> one("staff", Kind.IDENTIFIER, "What is the phone number of employee " + p.id() + "?", table, p.id(), p.phone());
                case 1 -> one("staff", Kind.IDENTIFIER, "Which office is " + p.id() + " based in?", table, p.id(), p.office());
                case 2 -> one("staff", Kind.IDENTIFIER, "What is the email address of " + p.id() + "?", table, p.id(), p.email());
                default -> one("staff", Kind.IDENTIFIER, "When was employee " + p.id() + " hired?", table, p.id(), p.hired());
            });
        }
        for (int i = 0; i < perKind; i++) {
            Person p = people.get(q.nextInt(people.size()));
            qs.add(switch (i % 4) {
                case 0 -> one("staff", Kind.NAME, "What is " + p.name() + "'s phone number?", table, p.id(), p.phone());
                case 1 -> one("staff", Kind.NAME, "Which department does " + p.name() + " work in?", table, p.id(), p.department());
                case 2 -> one("staff", Kind.NAME, "What is the job title of " + p.name() + "?", table, p.id(), p.title());
                default -> one("staff", Kind.NAME, "How do I email " + p.name() + "?", table, p.id(), p.email());
            });
        }
        int made = 0;
        for (int tries = 0; made < perKind && tries < 20 * perKind; tries++) {
            Person p = people.get(q.nextInt(people.size()));
            String year = p.hired().substring(0, 4);
            Question d = null;
            if (unique(people, x -> x.title().equals(p.title()) && x.department().equals(p.department())
                    && x.office().equals(p.office()))) {
                d = one("staff", Kind.DESCRIPTIVE, "Who is the " + p.title() + " in the " + p.department()
                        + " department at the " + p.office() + " office?", table, p.id(), p.name());
            } else if (unique(people, x -> x.title().equals(p.title()) && x.office().equals(p.office())
                    && x.hired().startsWith(year))) {
                d = one("staff", Kind.DESCRIPTIVE, "Which " + p.title() + " based in " + p.office() + " was hired in "
                        + year + "?", table, p.id(), p.name());
            }
            if (d != null && qs.stream().noneMatch(x -> x.kind() == Kind.DESCRIPTIVE && x.answers().equals(Set.of(p.id())))) {
                qs.add(d);
                made++;
            }
        }
        Map<String, Question> aggregates = new LinkedHashMap<>();
        for (int i = 0; aggregates.size() < perKind && i < 50 * perKind; i++) {
            String office = pick(q, OFFICES);
            String dept = pick(q, DEPARTMENTS);
            Question a = switch (i % 5) {
                case 0 -> count("staff", "How many employees work in the " + office + " office?", table, people,
                        x -> x.office().equals(office), Person::id);
                case 1 -> count("staff", "How many employees of the " + dept + " department work in " + office + "?",
                        table, people, x -> x.office().equals(office) && x.department().equals(dept), Person::id);
                case 2 -> numeric("staff", "What is the average salary in the " + dept + " department?", table, people,
                        x -> x.department().equals(dept), Person::id, p -> p.salary(), true);
                case 3 -> numeric("staff", "What is the total salary of the " + dept + " department in " + office + "?",
                        table, people, x -> x.office().equals(office) && x.department().equals(dept), Person::id,
                        p -> p.salary(), false);
                default -> top("staff", "Who earns the highest salary in the " + office + " office?", table, people,
                        x -> x.office().equals(office), Person::id, Person::salary, Person::name);
            };
            if (a != null && !a.answers().isEmpty()) {
                aggregates.putIfAbsent(a.text(), a);
            }
        }
        qs.addAll(aggregates.values());
        return new Domain("staff directory", "staff.xml", xml.toString(), table, qs);
    }

    static Domain catalogue(int count, long seed, int perKind) {
        Random r = new Random(seed);
        List<Product> products = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> skus = new HashSet<>();
        while (products.size() < count) {
            String[] kind = PRODUCTS[r.nextInt(PRODUCTS.length)];
            String name = pick(r, ADJECTIVES) + " " + kind[0];
            String sku = "SKU-" + (10000 + r.nextInt(90000));
            if (!names.add(name) || !skus.add(sku)) {
                continue;
            }
            List<String> tags = new ArrayList<>();
            for (int i = 1 + r.nextInt(2); i > 0; i--) {
                String t = pick(r, TAGS);
                if (!tags.contains(t)) {
                    tags.add(t);
                }
            }
            products.add(new Product(sku, name, kind[1], pick(r, BRANDS), pick(r, COLORS), pick(r, WAREHOUSES),
                    String.format(Locale.ROOT, "%d.%02d", 5 + r.nextInt(900), r.nextInt(100)), r.nextInt(500), tags));
        }
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalogue>\n");
        for (Product p : products) {
            xml.append("  <product sku=\"").append(p.sku()).append("\">")
                    .append(el("name", p.name())).append(el("category", p.category())).append(el("brand", p.brand()))
                    .append(el("color", p.color())).append(el("warehouse", p.warehouse())).append(el("price", p.price()))
                    .append(el("stock", Integer.toString(p.stock())));
            p.tags().forEach(t -> xml.append(el("tag", t)));
            xml.append("</product>\n");
        }
        xml.append("</catalogue>\n");

        String table = "product.csv";
        List<Question> qs = new ArrayList<>();
        Random q = new Random(seed * 31 + 2);
        for (int i = 0; i < perKind; i++) {
            Product p = products.get(q.nextInt(products.size()));
            qs.add(switch (i % 4) {
                case 0 -> one("catalogue", Kind.IDENTIFIER, "What is the price of " + p.sku() + "?", table, p.sku(), p.price());
                case 1 -> one("catalogue", Kind.IDENTIFIER, "How many units of " + p.sku() + " are in stock?", table, p.sku(),
                        Integer.toString(p.stock()));
                case 2 -> one("catalogue", Kind.IDENTIFIER, "Which warehouse holds " + p.sku() + "?", table, p.sku(), p.warehouse());
                default -> one("catalogue", Kind.IDENTIFIER, "What colour is product " + p.sku() + "?", table, p.sku(), p.color());
            });
        }
        for (int i = 0; i < perKind; i++) {
            Product p = products.get(q.nextInt(products.size()));
            qs.add(switch (i % 4) {
                case 0 -> one("catalogue", Kind.NAME, "What does the " + p.name() + " cost?", table, p.sku(), p.price());
                case 1 -> one("catalogue", Kind.NAME, "Which brand makes the " + p.name() + "?", table, p.sku(), p.brand());
                case 2 -> one("catalogue", Kind.NAME, "Where is the " + p.name() + " stored?", table, p.sku(), p.warehouse());
                default -> one("catalogue", Kind.NAME, "What is the stock level of the " + p.name() + "?", table, p.sku(),
                        Integer.toString(p.stock()));
            });
        }
        int made = 0;
        for (int tries = 0; made < perKind && tries < 20 * perKind; tries++) {
            Product p = products.get(q.nextInt(products.size()));
            Question d = null;
            if (unique(products, x -> x.color().equals(p.color()) && x.category().equals(p.category())
                    && x.brand().equals(p.brand()) && x.warehouse().equals(p.warehouse()))) {
                d = one("catalogue", Kind.DESCRIPTIVE, "Which " + p.color() + " " + p.category() + " product by "
                        + p.brand() + " is stored in " + p.warehouse() + "?", table, p.sku(), p.name());
            }
            if (d != null && qs.stream().noneMatch(x -> x.kind() == Kind.DESCRIPTIVE && x.answers().equals(Set.of(p.sku())))) {
                qs.add(d);
                made++;
            }
        }
        Map<String, Question> aggregates = new LinkedHashMap<>();
        for (int i = 0; aggregates.size() < perKind && i < 50 * perKind; i++) {
            String category = PRODUCTS[q.nextInt(PRODUCTS.length)][1];
            String warehouse = pick(q, WAREHOUSES);
            String brand = pick(q, BRANDS);
            Question a = switch (i % 5) {
                case 0 -> count("catalogue", "How many " + category + " products are stored in " + warehouse + "?", table,
                        products, x -> x.category().equals(category) && x.warehouse().equals(warehouse), Product::sku);
                case 1 -> count("catalogue", "How many products does " + brand + " make?", table, products,
                        x -> x.brand().equals(brand), Product::sku);
                case 2 -> numeric("catalogue", "What is the average price of " + brand + " products?", table, products,
                        x -> x.brand().equals(brand), Product::sku, p -> Double.parseDouble(p.price()), true);
                case 3 -> numeric("catalogue", "What is the total stock in the " + warehouse + " warehouse?", table,
                        products, x -> x.warehouse().equals(warehouse), Product::sku, p -> p.stock(), false);
                default -> top("catalogue", "Which " + category + " product has the highest price?", table, products,
                        x -> x.category().equals(category), Product::sku, p -> Double.parseDouble(p.price()), Product::name);
            };
            if (a != null && !a.answers().isEmpty()) {
                aggregates.putIfAbsent(a.text(), a);
            }
        }
        qs.addAll(aggregates.values());
        return new Domain("product catalogue", "catalogue.xml", xml.toString(), table, qs);
    }

    private static Question one(String domain, Kind kind, String text, String table, String id, String expected) {
        return new Question(domain, kind, text, table, Set.of(id), expected, false);
    }

    private static <T> Question count(String domain, String text, String table, List<T> all, Predicate<T> filter,
                                      Function<T, String> id) {
        Set<String> ids = all.stream().filter(filter).map(id).collect(Collectors.toSet());
        return new Question(domain, Kind.AGGREGATION, text, table, ids, Integer.toString(ids.size()), true);
    }

    private static <T> Question numeric(String domain, String text, String table, List<T> all, Predicate<T> filter,
                                        Function<T, String> id, java.util.function.ToDoubleFunction<T> value, boolean average) {
        List<T> rows = all.stream().filter(filter).toList();
        if (rows.isEmpty()) {
            return null;
        }
        double sum = rows.stream().mapToDouble(value).sum();
        double result = average ? sum / rows.size() : sum;
        return new Question(domain, Kind.AGGREGATION, text, table, rows.stream().map(id).collect(Collectors.toSet()),
                String.format(Locale.ROOT, "%.2f", result), true);
    }

    private static <T> Question top(String domain, String text, String table, List<T> all, Predicate<T> filter,
                                    Function<T, String> id, java.util.function.ToDoubleFunction<T> value,
                                    Function<T, String> name) {
        List<T> rows = all.stream().filter(filter).sorted(Comparator.comparingDouble(value).reversed()).toList();
        if (rows.isEmpty() || (rows.size() > 1 && value.applyAsDouble(rows.get(0)) == value.applyAsDouble(rows.get(1)))) {
            return null;
        }
        return new Question(domain, Kind.AGGREGATION, text, table, Set.of(id.apply(rows.getFirst())),
                name.apply(rows.getFirst()), false);
    }

    private static <T> boolean unique(List<T> all, Predicate<T> filter) {
        return all.stream().filter(filter).count() == 1;
    }

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String el(String name, String value) {
        return "<" + name + ">" + value.replace("&", "&amp;").replace("<", "&lt;") + "</" + name + ">";
    }
}
