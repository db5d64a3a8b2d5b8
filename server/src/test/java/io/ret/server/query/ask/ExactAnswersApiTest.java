package io.ret.server.query.ask;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import io.ret.api.v1.ChatRequest;
import io.ret.api.v1.ChatResponse;
import io.ret.api.v1.Citation;
import io.ret.api.v1.Collection;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact answers in chat through the real channel, offline (the extractive default): two
 * domains of generated data, orders split over two sessions of one collection (CSV
 * archives) and a staff directory converted from XML; every figure asserted exactly.
 */
class ExactAnswersApiTest {
    static final String[] CITIES = {"Oslo", "Berlin", "Lisbon", "Turin", "Porto"};
    static final String[] STATUSES = {"paid", "unpaid", "cancelled", "shipped"};
    static final String[] DEPARTMENTS = {"Engineering", "Sales", "Finance"};
    static final String[] OFFICES = {"Lisbon Office", "Bergen Office", "Dublin Office", "Vienna Office"};
    static final int ORDERS = 120;
    static final int STAFF = 45;

    private static TestServer server;
    private static SessionClient alice;
    private static RagServiceGrpc.RagServiceBlockingStub rag;
    private static Collection orders;
    private static Collection staff;
    private static List<Session> orderSessions = new ArrayList<>();

    static String city(int i) {
        return CITIES[i % CITIES.length];
    }

    static String status(int i) {
        return i % 23 == 0 ? "cancelled" : STATUSES[(i / 5) % 2];
    }

    static String customer(int i) {
        return "Customer " + (char) ('A' + i % 7);
    }

    static BigDecimal amount(int i) {
        return new BigDecimal((i * 37 % 200) + "." + (i % 2 == 0 ? "25" : "75"));
    }

    static String ordersCsv(int from, int to) {
        StringBuilder csv = new StringBuilder("order_id,customer,city,status,amount\n");
        for (int i = from; i <= to; i++) {
            csv.append("ORD-").append(10_000 + i).append(',').append(customer(i)).append(',').append(city(i)).append(',')
                    .append(status(i)).append(',').append(amount(i).toPlainString()).append('\n');
        }
        return csv.toString();
    }

    static String department(int i) {
        return DEPARTMENTS[i % DEPARTMENTS.length];
    }

    static String office(int i) {
        return OFFICES[(i / 3) % OFFICES.length];
    }

    static long salary(int i) {
        return 40_000 + (i * 7919L % 60_000);
    }

    static String hired(int i) {
        return (2015 + i % 4) + "-0" + (1 + i % 9) + "-1" + (i % 10);
    }

    static String staffXml() {
        StringBuilder xml = new StringBuilder("<directory>");
        for (int i = 1; i <= STAFF; i++) {
            xml.append("<employee><employee_id>E-").append(500 + i).append("</employee_id><name>Person ").append(i)
                    .append("</name><department>").append(department(i)).append("</department><office>").append(office(i))
                    .append("</office><hired>").append(hired(i)).append("</hired><salary>").append(salary(i)).append("</salary></employee>");
        }
        return xml.append("</directory>").toString();
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        alice = SessionClient.newUser(server, "exact-alice");
        rag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), alice.token());
        orders = rag().createCollection(CreateCollectionRequest.newBuilder().setName("orders").build());
        orderSessions.add(alice.upload("orders-a.zip", ZipBytes.zip(Map.of("orders.csv", ordersCsv(1, 60)))));
        orderSessions.add(alice.upload("orders-b.zip", ZipBytes.zip(Map.of("orders.csv", ordersCsv(61, ORDERS)))));
        for (Session session : orderSessions) {
            index(orders, session);
        }
        Session directory = alice.upload("staff.zip", ZipBytes.zip(Map.of("staff.xml", staffXml())));
        Job converted = alice.await(alice.startConversion(directory.getId(), ConversionOptions.getDefaultInstance()).getId());
        assertThat(converted.getState()).as("error %s", converted.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        staff = rag().createCollection(CreateCollectionRequest.newBuilder().setName("staff").build());
        index(staff, directory);
    }

    private static void index(Collection collection, Session session) {
        Job job = alice.await(rag().startIndexing(StartIndexingRequest.newBuilder().setSessionId(session.getId())
                .setCollectionId(collection.getId()).build()).getId());
        assertThat(job.getState()).as("error %s", job.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    /** A deadline per call: one set on the shared stub would run out for the later tests of a slow run. */
    private static RagServiceGrpc.RagServiceBlockingStub rag() {
        return rag.withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Answer(String text, List<Citation> citations, boolean exact) {
    }

    static Answer ask(Collection collection, String question) {
        List<ChatResponse> events = new ArrayList<>();
        rag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId()).setQuestion(question).build())
                .forEachRemaining(events::add);
        String text = events.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat);
        return new Answer(text, events.stream().filter(ChatResponse::hasCitation).map(ChatResponse::getCitation).toList(),
                events.getLast().getUsage().getExact());
    }

    static List<Integer> orders(IntPredicate filter) {
        return IntStream.rangeClosed(1, ORDERS).filter(filter).boxed().toList();
    }

    static String exact(BigDecimal value) {
        return value.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    @Test
    void aCountingQuestionIsAnsweredFromSqlOverEverySessionOfTheCollection() {
        int expected = orders(i -> city(i).equals("Oslo") && status(i).equals("unpaid")).size();
        assertThat(orders(i -> i > 60 && city(i).equals("Oslo") && status(i).equals("unpaid"))).as("both halves count")
                .isNotEmpty();
        Answer answer = ask(orders, "How many orders from Oslo are unpaid?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).startsWith(expected + " rows of orders match").contains("[1]")
                .contains("city = Oslo").contains("status = unpaid").contains("```sql");
        Citation statement = answer.citations().getFirst();
        assertThat(statement.getMarker()).isEqualTo(1);
        assertThat(statement.getSql()).contains("count(*)").contains("UNION ALL BY NAME").contains("'Oslo'").contains("'unpaid'");
        assertThat(answer.text()).contains(statement.getSql());
    }

    @Test
    void aSumWithFiltersIsExact() {
        BigDecimal total = orders(i -> city(i).equals("Berlin") && status(i).equals("paid")).stream()
                .map(ExactAnswersApiTest::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        Answer answer = ask(orders, "What is the total amount of paid orders in Berlin?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).contains("The total of amount").contains(" is " + exact(total) + " [1]");
        assertThat(answer.citations().getFirst().getSql()).contains("sum(\"amount\")");
    }

    @Test
    void theTopCustomersBySpendingAreRankedExactly() {
        Map<String, BigDecimal> spent = new TreeMap<>();
        IntStream.rangeClosed(1, ORDERS).forEach(i -> spent.merge(customer(i), amount(i), BigDecimal::add));
        List<Map.Entry<String, BigDecimal>> ranked = spent.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue(Comparator.reverseOrder())).limit(3).toList();
        Answer answer = ask(orders, "Which three customers spent the most?");
        assertThat(answer.exact()).isTrue();
        String expected = ranked.stream().map(e -> "- " + e.getKey() + ": " + exact(e.getValue()))
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        assertThat(answer.text()).contains(expected);
        assertThat(answer.citations().getFirst().getSql()).contains("GROUP BY \"customer\"").contains("LIMIT 3");
    }

    @Test
    void aCountPerGroupWithAComparisonIsExactAndLargestFirst() {
        Map<String, Long> perCity = new TreeMap<>();
        orders(i -> amount(i).compareTo(new BigDecimal("150")) > 0).forEach(i -> perCity.merge(city(i), 1L, Long::sum));
        String expected = perCity.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .map(e -> "- " + e.getKey() + ": " + e.getValue()).reduce((a, b) -> a + "\n" + b).orElseThrow();
        Answer answer = ask(orders, "How many orders per city have an amount over 150?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).contains("per city").contains("amount > 150").contains(expected);
    }

    @Test
    void fewMatchingRowsAreCitedOneByOneWithTheirRowAndKey() {
        List<Integer> matching = orders(i -> city(i).equals("Turin") && status(i).equals("cancelled"));
        assertThat(matching).hasSizeBetween(1, 5);
        Answer answer = ask(orders, "List the cancelled orders from Turin");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).startsWith(matching.size() + " rows of orders match");
        List<Citation> rows = answer.citations().subList(1, answer.citations().size());
        assertThat(rows).hasSize(matching.size());
        for (int k = 0; k < rows.size(); k++) {
            int order = matching.get(k);
            Citation row = rows.get(k);
            assertThat(row.getMarker()).isEqualTo(k + 2);
            assertThat(row.getFirstRow()).isEqualTo(row.getLastRow()).isEqualTo(order > 60 ? order - 60 : order);
            assertThat(row.getSessionId()).isEqualTo(orderSessions.get(order > 60 ? 1 : 0).getId());
            assertThat(row.getFile()).isEqualTo("orders.csv");
            assertThat(row.getSnippet()).startsWith("order_id,customer,city,status,amount\nORD-" + (10_000 + order));
            assertThat(answer.text()).contains("order_id ORD-" + (10_000 + order) + " [" + (k + 2) + "]");
        }
    }

    @Test
    void anAverageOverAConvertedDirectoryIsExact() {
        List<Integer> engineers = IntStream.rangeClosed(1, STAFF).filter(i -> department(i).equals("Engineering")).boxed().toList();
        BigDecimal average = BigDecimal.valueOf(engineers.stream().mapToLong(ExactAnswersApiTest::salary).sum())
                .divide(BigDecimal.valueOf(engineers.size()), 6, RoundingMode.HALF_UP);
        Answer answer = ask(staff, "What is the average salary in the Engineering department?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).contains("The average of salary").contains(" is " + exact(average) + " [1]");
    }

    @Test
    void theHighestPaidEmployeesAreListedWithTheirSalaries() {
        List<Integer> top = IntStream.rangeClosed(1, STAFF).boxed()
                .sorted(Comparator.comparingLong(ExactAnswersApiTest::salary).reversed()).limit(2).toList();
        Answer answer = ask(staff, "Which 2 employees have the highest salary?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).contains("salary " + salary(top.get(0)) + " [2]").contains("salary " + salary(top.get(1)) + " [3]");
        assertThat(answer.citations()).hasSize(3);
        assertThat(answer.citations().get(1).getSnippet()).contains("Person " + top.get(0));
    }

    @Test
    void aCountWithAValueOfAConvertedTableIsExact() {
        long inLisbon = IntStream.rangeClosed(1, STAFF).filter(i -> office(i).equals("Lisbon Office")).count();
        long maxSales = IntStream.rangeClosed(1, STAFF).filter(i -> department(i).equals("Sales")).mapToLong(ExactAnswersApiTest::salary)
                .max().orElseThrow();
        assertThat(ask(staff, "How many employees work in the Lisbon Office?").text()).startsWith(inLisbon + " rows of ");
        Answer max = ask(staff, "What is the maximum salary in Sales?");
        assertThat(max.text()).contains(" is " + maxSales + " [1]");
        assertThat(max.citations()).as("the statement, then the row that has it").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void whoHasTheHighestValueIsAnsweredWithTheRowAndItsName() {
        int top = IntStream.rangeClosed(1, STAFF).filter(i -> office(i).equals("Vienna Office")).boxed()
                .max(Comparator.comparingLong(ExactAnswersApiTest::salary)).orElseThrow();
        Answer answer = ask(staff, "Who earns the highest salary in the Vienna Office?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).contains("with the highest salary [1]")
                .contains("- employee_id E-" + (500 + top) + ", name Person " + top + ": salary " + salary(top) + " [2]");
        assertThat(answer.citations().getFirst().getSql()).contains("ORDER BY \"salary\" DESC").contains("LIMIT 1");
    }

    @Test
    void aYearLinksToTheDateColumnTheQuestionNames() {
        long matching = IntStream.rangeClosed(1, STAFF)
                .filter(i -> department(i).equals("Sales") && hired(i).startsWith("2016")).count();
        assertThat(matching).isPositive();
        Answer answer = ask(staff, "How many employees in Sales were hired in 2016?");
        assertThat(answer.exact()).isTrue();
        assertThat(answer.text()).startsWith(matching + " rows of employee match").contains("hired in 2016");
        assertThat(answer.citations().getFirst().getSql()).contains("year(\"hired\") = 2016");
    }

    @Test
    void aQuestionAboutOneRecordByItsIdentifierIsNotCountedEvenWithCountingWords() {
        Answer number = ask(staff, "What is the number of the office of employee E-512?");
        assertThat(number.exact()).as("'number of' about one record: retrieval").isFalse();
        assertThat(number.text()).doesNotStartWith("I could not compute").contains(office(12));
        Answer units = ask(orders, "How many units does order ORD-10042 have?");
        assertThat(units.exact()).isFalse();
        assertThat(units.text()).doesNotContain("rows of orders");
    }

    @Test
    void whichColumnAQuestionAsksForIsALookupNotAList() {
        Answer answer = ask(staff, "Which department does Person 7 work in?");
        assertThat(answer.exact()).isFalse();
        assertThat(answer.text()).doesNotStartWith("I could not compute").contains(department(7));
    }

    @Test
    void aFigureTheTablesCannotGiveFallsBackToRetrievalAndSaysSo() {
        Answer answer = ask(orders, "How many unicorns live on Mars?");
        assertThat(answer.exact()).isFalse();
        assertThat(answer.text()).startsWith("I could not compute this exactly from the tables");
        assertThat(answer.citations()).allSatisfy(c -> assertThat(c.getSql()).isEmpty());
    }

    @Test
    void aLookupByIdentifierStaysWithRetrieval() {
        Answer answer = ask(orders, "What is the status of order ORD-10042?");
        assertThat(answer.exact()).isFalse();
        assertThat(answer.text()).doesNotStartWith("I could not compute").contains("ORD-10042");
    }
}
