package io.ret.bench.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generated "converted" data: orders and products whose answering rows are known. */
final class BenchData {
    static final String[] FIRST = {"Anna", "Lukas", "Marie", "Jonas", "Sofia", "Paul", "Emma", "Noah", "Lea", "Felix",
            "Clara", "Elias", "Hanna", "Ben", "Ida", "Theo", "Nora", "Leon", "Mila", "Finn"};
    static final String[] LAST = {"Schmidt", "Novak", "Rossi", "Dubois", "Silva", "Jensen", "Kowalski", "Berg", "Moreau",
            "Fischer", "Costa", "Horvat", "Lindqvist", "Meyer", "Varga"};
    static final String[] CITIES = {"Oslo", "Berlin", "Lyon", "Porto", "Turin", "Gdansk", "Ghent", "Aarhus", "Graz", "Brno"};
    static final String[] STATUS = {"shipped", "pending", "cancelled", "delivered", "returned"};
    static final String[] PRODUCTS = {"steel bolt", "copper wire", "oak plank", "glass panel", "rubber seal", "led lamp",
            "ceramic tile", "brass hinge", "cotton rope", "paper roll"};

    record Order(String id, String customer, String city, String status, String amount, String sku) {}

    record Product(String sku, String name, String price, String stock) {}

    final List<Order> orders = new ArrayList<>();
    final List<Product> products = new ArrayList<>();

    BenchData(int orderCount, int productCount, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < productCount; i++) {
            products.add(new Product("SKU-" + (10000 + r.nextInt(89999)), PRODUCTS[r.nextInt(PRODUCTS.length)] + " " + (i + 1),
                    String.format("%d.%02d", 1 + r.nextInt(500), r.nextInt(100)), Integer.toString(r.nextInt(1000))));
        }
        for (int i = 1; i <= orderCount; i++) {
            orders.add(new Order(String.format("ORD-2024-%05d", i),
                    FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)],
                    CITIES[r.nextInt(CITIES.length)], STATUS[r.nextInt(STATUS.length)],
                    String.format("%d.%02d", 5 + r.nextInt(2000), r.nextInt(100)),
                    products.get(r.nextInt(products.size())).sku()));
        }
    }

    String ordersCsv() {
        var out = new StringBuilder("order_id,customer,city,status,amount,sku\n");
        orders.forEach(o -> out.append(String.join(",", o.id(), o.customer(), o.city(), o.status(), o.amount(), o.sku())).append('\n'));
        return out.toString();
    }

    String productsCsv() {
        var out = new StringBuilder("sku,name,price,stock\n");
        products.forEach(p -> out.append(String.join(",", p.sku(), p.name(), p.price(), p.stock())).append('\n'));
        return out.toString();
    }

    static double percentile(List<Double> sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
