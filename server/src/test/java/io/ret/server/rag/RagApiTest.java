package io.ret.server.rag;

import static io.ret.server.auth.AuthFixtureAccess.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.ret.api.v1.ChatRequest;
import io.ret.api.v1.ChatResponse;
import io.ret.api.v1.Collection;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.GetCollectionRequest;
import io.ret.api.v1.GetConversationRequest;
import io.ret.api.v1.GrantCollectionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListCollectionsRequest;
import io.ret.api.v1.ListConversationsRequest;
import io.ret.api.v1.MessageRole;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.RetrievalOptions;
import io.ret.api.v1.RevokeCollectionGrantRequest;
import io.ret.api.v1.SearchRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upload, index, search and chat end to end through the real channel on the
 * embedded defaults (MiniLM embeddings, Lucene index, extractive answers).
 */
class RagApiTest {
    private static TestServer server;
    private static SessionClient alice;
    private static RagServiceGrpc.RagServiceBlockingStub aliceStub;
    private static Collection collection;
    private static Session session;
    private static Job startedIndexing;

    static String orders() {
        StringBuilder csv = new StringBuilder("order_id,customer,city,status,amount,note\n");
        String[] cities = {"Berlin", "Lisbon", "Oslo", "Porto", "Turin"};
        String[] statuses = {"shipped", "pending", "cancelled", "delivered"};
        for (int i = 1; i <= 120; i++) {
            csv.append("ORD-2024-").append(String.format("%05d", i)).append(",Customer ").append(i).append(',')
                    .append(cities[i % cities.length]).append(',').append(statuses[i % statuses.length]).append(',')
                    .append(10 * i).append(".00,\n");
        }
        csv.append("ORD-2024-00121,Harbour Ltd,Oslo,pending,99.00,parcel left at the back door\n");
        return csv.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        alice = SessionClient.newUser(server, "rag-alice");
        aliceStub = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), alice.token());
        session = alice.upload("orders.zip", ZipBytes.zip(Map.of("orders.csv", orders())));
        collection = aliceRag().createCollection(CreateCollectionRequest.newBuilder().setName("orders")
                .setDescription("2024 orders").build());
        Job job = aliceRag().startIndexing(StartIndexingRequest.newBuilder().setSessionId(session.getId())
                .setCollectionId(collection.getId()).build());
        startedIndexing = job;
        List<Job> seen = alice.watch(job.getId());
        Job done = seen.getLast();
        assertThat(done.getState()).as("error %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getWorkUnit()).isEqualTo("chunks");
        assertThat(done.getWorkTotal()).isEqualTo(done.getResult().getIndexing().getChunksIndexed());
    }

    /** A deadline per call (a stub's deadline is absolute: one made at start would run out on a slow machine). */
    private static RagServiceGrpc.RagServiceBlockingStub aliceRag() {
        return aliceStub.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void indexingFillsTheCollectionAndReindexingReplacesNotDuplicates() {
        Collection indexed = aliceRag().getCollection(GetCollectionRequest.newBuilder().setCollectionId(collection.getId()).build());
        long chunks = indexed.getChunkCount();
        assertThat(chunks).isPositive();
        assertThat(indexed.getSessionIdsList()).containsExactly(session.getId());
        assertThat(indexed.getEmbeddingModel()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(indexed.getDimensions()).isEqualTo(384);

        Job again = alice.await(aliceRag().startIndexing(StartIndexingRequest.newBuilder().setSessionId(session.getId())
                .setCollectionId(collection.getId()).build()).getId());
        assertThat(again.getResult().getIndexing().getChunksReplaced()).isEqualTo(chunks);
        assertThat(again.getResult().getIndexing().getChunksCached()).as("same text, same model: from the cache")
                .isEqualTo(chunks);
        assertThat(aliceRag().getCollection(GetCollectionRequest.newBuilder().setCollectionId(collection.getId()).build())
                .getChunkCount()).isEqualTo(chunks);
    }

    @Test
    void searchFindsExactIdentifiers() {
        var hits = aliceRag().search(SearchRequest.newBuilder().setCollectionId(collection.getId())
                .setQuery("What is the status of order ORD-2024-00077?").build()).getHitsList();
        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().getChunk().getText()).contains("ORD-2024-00077");
        assertThat(hits.getFirst().getChunk().getFile()).isEqualTo("orders.csv");
        assertThat(hits.getFirst().getChunk().getFirstRow()).isLessThanOrEqualTo(77);
        assertThat(hits.getFirst().getChunk().getLastRow()).isGreaterThanOrEqualTo(77);
    }

    @Test
    void chatStreamsTokensThenCitationsThenUsageAndKeepsTheConversation() {
        List<ChatResponse> events = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId())
                .setQuestion("What is the status of order ORD-2024-00042?").build()).forEachRemaining(events::add);
        assertThat(events.getFirst().hasStarted()).isTrue();
        assertThat(events.getLast().hasUsage()).isTrue();
        assertThat(events.getLast().getUsage().getExtractive()).isTrue();
        String answer = events.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken)
                .reduce("", String::concat);
        assertThat(answer).contains("ORD-2024-00042").contains("[1]");
        var citations = events.stream().filter(ChatResponse::hasCitation).map(ChatResponse::getCitation).toList();
        assertThat(citations).isNotEmpty();
        assertThat(citations.getFirst().getMarker()).isEqualTo(1);
        assertThat(citations.getFirst().getFile()).isEqualTo("orders.csv");
        assertThat(citations.getFirst().getFirstRow()).isLessThanOrEqualTo(42);
        assertThat(citations.getFirst().getLastRow()).isGreaterThanOrEqualTo(42);
        assertThat(citations.getFirst().getSnippet()).startsWith("order_id,customer,city,status,amount");
        assertThat(citations.getFirst().getSessionId()).isEqualTo(session.getId());
        // order of events: started, tokens, citations, usage
        int lastToken = lastIndex(events, ChatResponse::hasToken);
        int firstCitation = events.indexOf(events.stream().filter(ChatResponse::hasCitation).findFirst().orElseThrow());
        assertThat(lastToken).isLessThan(firstCitation);

        String conversationId = events.getFirst().getStarted().getConversationId();
        List<ChatResponse> followUp = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId()).setConversationId(conversationId)
                .setQuestion("And ORD-2024-00043?").build()).forEachRemaining(followUp::add);
        assertThat(followUp.getFirst().getStarted().getConversationId()).isEqualTo(conversationId);

        var conversation = aliceRag().getConversation(GetConversationRequest.newBuilder()
                .setConversationId(conversationId).build());
        assertThat(conversation.getMessagesList()).extracting(m -> m.getRole()).containsExactly(
                MessageRole.MESSAGE_ROLE_USER, MessageRole.MESSAGE_ROLE_ASSISTANT,
                MessageRole.MESSAGE_ROLE_USER, MessageRole.MESSAGE_ROLE_ASSISTANT);
        assertThat(conversation.getMessages(1).getCitationsList()).isNotEmpty();
        assertThat(aliceRag().listConversations(ListConversationsRequest.getDefaultInstance()).getConversationsList())
                .extracting(c -> c.getId()).contains(conversationId);
    }

    @Test
    void whenNothingClearsTheThresholdTheAnswerSaysSoWithoutAModel() {
        List<ChatResponse> events = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId())
                .setQuestion("Explain the rules of cricket")
                .setOptions(RetrievalOptions.newBuilder().setMinScore(0.95)).build()).forEachRemaining(events::add);
        assertThat(events.getLast().getUsage().getNoContext()).isTrue();
        assertThat(events).noneMatch(ChatResponse::hasCitation);
        assertThat(events.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat))
                .contains("Nothing in this collection");
    }

    @Test
    void otherUsersCannotQueryTheCollectionUntilGranted() {
        SessionClient bob = SessionClient.newUser(server, "rag-bob");
        var bobRag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), bob.token())
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        SearchRequest search = SearchRequest.newBuilder().setCollectionId(collection.getId()).setQuery("ORD-2024-00001").build();
        refused(() -> bobRag.search(search), Status.Code.NOT_FOUND, "COLLECTION_NOT_FOUND");
        refused(() -> bobRag.chat(ChatRequest.newBuilder().setCollectionId(collection.getId()).setQuestion("hi").build())
                .hasNext(), Status.Code.NOT_FOUND, null);
        assertThat(bobRag.listCollections(ListCollectionsRequest.getDefaultInstance()).getCollectionsList()).isEmpty();
        // bob's own session cannot be indexed into alice's collection
        refused(() -> bobRag.startIndexing(StartIndexingRequest.newBuilder().setCollectionId(collection.getId())
                .setSessionId(session.getId()).build()), Status.Code.NOT_FOUND, null);

        String bobId = TestServer.bearer(server.auth(), bob.token()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId();
        aliceRag().grantCollection(GrantCollectionRequest.newBuilder().setCollectionId(collection.getId()).setUserId(bobId).build());
        assertThat(bobRag.search(search).getHitsList()).isNotEmpty();
        refused(() -> bobRag.grantCollection(GrantCollectionRequest.newBuilder().setCollectionId(collection.getId())
                .setUserId(bobId).build()), Status.Code.PERMISSION_DENIED, "NOT_COLLECTION_OWNER");

        aliceRag().revokeCollectionGrant(RevokeCollectionGrantRequest.newBuilder().setCollectionId(collection.getId())
                .setUserId(bobId).build());
        refused(() -> bobRag.search(search), Status.Code.NOT_FOUND, null);
    }

    @Test
    void aRevokedGranteeLosesTheConversationsTheyHadOverTheCollection() {
        SessionClient carol = SessionClient.newUser(server, "rag-carol");
        var carolRag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), carol.token());
        String carolId = TestServer.bearer(server.auth(), carol.token()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId();
        aliceRag().grantCollection(GrantCollectionRequest.newBuilder().setCollectionId(collection.getId())
                .setUserId(carolId).build());
        ChatRequest question = ChatRequest.newBuilder().setCollectionId(collection.getId())
                .setQuestion("Where is order ORD-2024-00121?").build();
        String carols = carolRag.withDeadlineAfter(60, TimeUnit.SECONDS).chat(question).next().getStarted().getConversationId();
        List<ChatResponse> aliceEvents = new ArrayList<>();
        aliceRag().chat(question).forEachRemaining(aliceEvents::add);
        String alices = aliceEvents.getFirst().getStarted().getConversationId();
        GetConversationRequest getCarols = GetConversationRequest.newBuilder().setConversationId(carols).build();
        assertThat(carolRag.withDeadlineAfter(60, TimeUnit.SECONDS).getConversation(getCarols).getMessagesList()).isNotEmpty();

        aliceRag().revokeCollectionGrant(RevokeCollectionGrantRequest.newBuilder().setCollectionId(collection.getId())
                .setUserId(carolId).build());

        refused(() -> carolRag.withDeadlineAfter(60, TimeUnit.SECONDS).getConversation(getCarols),
                Status.Code.NOT_FOUND, null);
        assertThat(carolRag.withDeadlineAfter(60, TimeUnit.SECONDS).listConversations(
                ListConversationsRequest.getDefaultInstance()).getConversationsList()).isEmpty();
        // the owner's own conversation over it stays, and revoking the owner is no way to lose it
        aliceRag().revokeCollectionGrant(RevokeCollectionGrantRequest.newBuilder().setCollectionId(collection.getId())
                .setUserId(collection.getOwnerId()).build());
        assertThat(aliceRag().getConversation(GetConversationRequest.newBuilder().setConversationId(alices).build())
                .getMessagesList()).isNotEmpty();
    }

    @Test
    void grantingToAnUnknownUserIdLooksLikeAnyGrantExceptToAnAdmin() {
        SessionClient dave = SessionClient.newUser(server, "rag-dave");
        String daveId = TestServer.bearer(server.auth(), dave.token()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId();
        String nobody = java.util.UUID.randomUUID().toString();

        Collection toDave = aliceRag().grantCollection(GrantCollectionRequest.newBuilder()
                .setCollectionId(collection.getId()).setUserId(daveId).build());
        Collection toNobody = aliceRag().grantCollection(GrantCollectionRequest.newBuilder()
                .setCollectionId(collection.getId()).setUserId(nobody).build());

        assertThat(toDave.getGrantedUserIdsList()).contains(daveId);
        assertThat(toNobody.getGrantedUserIdsList()).contains(daveId, nobody);
        var adminRag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), server.adminToken())
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        refused(() -> adminRag.grantCollection(GrantCollectionRequest.newBuilder().setCollectionId(collection.getId())
                .setUserId(java.util.UUID.randomUUID().toString()).build()), Status.Code.NOT_FOUND, "USER_NOT_FOUND");
        for (String id : List.of(daveId, nobody)) {
            aliceRag().revokeCollectionGrant(RevokeCollectionGrantRequest.newBuilder()
                    .setCollectionId(collection.getId()).setUserId(id).build());
        }
    }

    @Test
    void cancellingIndexingStopsItAndLeavesNoHalfIndex() throws Exception {
        // text no earlier run has embedded (the embedding cache would make indexing instant), and
        // enough of it (~700 chunks) that indexing is still running when the cancel lands
        String run = java.util.UUID.randomUUID().toString();
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < 10_000; i++) {
            csv.append("ROW-").append(i).append(",some words about row number ").append(i).append(' ').append(run)
                    .append(" and more words\n");
        }
        Session big = alice.upload("big.zip", ZipBytes.zip(Map.of("big.csv", csv.toString())));
        Collection target = aliceRag().createCollection(CreateCollectionRequest.newBuilder().setName("to-cancel").build());
        Job job = aliceRag().startIndexing(StartIndexingRequest.newBuilder().setSessionId(big.getId())
                .setCollectionId(target.getId()).build());
        var stream = alice.jobs().withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchJob(io.ret.api.v1.WatchJobRequest.newBuilder().setJobId(job.getId()).build());
        Job seen = stream.next();
        while (seen.getState() != JobState.JOB_STATE_RUNNING || !seen.hasEstimatedTimeRemaining()) {
            seen = stream.next();
        }
        assertThat(seen.getWorkTotal()).isGreaterThan(seen.getWorkDone());
        assertThat(seen.getWorkDone()).as("the estimate comes from work done").isPositive();
        assertThat(seen.getEstimatedTimeRemaining().getSeconds() + seen.getEstimatedTimeRemaining().getNanos())
                .isPositive();
        alice.jobs().cancelJob(io.ret.api.v1.CancelJobRequest.newBuilder().setJobId(job.getId()).build());
        while (stream.hasNext()) {
            seen = stream.next();
        }
        assertThat(seen.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(aliceRag().getCollection(GetCollectionRequest.newBuilder().setCollectionId(target.getId()).build())
                .getChunkCount()).isZero();
    }

    @Test
    void startIndexingSaysHowMuchWorkThereIsBeforeItRuns() {
        assertThat(startedIndexing.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        assertThat(startedIndexing.getWorkUnit()).isEqualTo("chunks");
        assertThat(startedIndexing.getWorkTotal()).as("121 rows, one chunk each").isEqualTo(121);
        assertThat(startedIndexing.getPhase()).contains("121 rows").contains("121 chunks");
        assertThat(startedIndexing.hasEstimatedTimeRemaining()).as("no pace yet").isFalse();
    }

    @Test
    void hybridSearchKeepsAnExactKeywordMatchThatDenseSearchRanksBelowTheThreshold() {
        SearchRequest.Builder search = SearchRequest.newBuilder().setCollectionId(collection.getId()).setQuery("back door");
        var dense = aliceRag().search(search.setOptions(RetrievalOptions.newBuilder().setMinScore(0.95)
                .setMode(io.ret.api.v1.RetrievalMode.RETRIEVAL_MODE_DENSE)).build()).getHitsList();
        assertThat(dense).as("no chunk is that similar").isEmpty();

        var hybrid = aliceRag().search(search.setOptions(RetrievalOptions.newBuilder().setMinScore(0.95)).build()).getHitsList();
        assertThat(hybrid).isNotEmpty();
        assertThat(hybrid.getFirst().getChunk().getText()).contains("ORD-2024-00121").contains("back door");
        assertThat(hybrid.getFirst().getKeywordRank()).isEqualTo(1);
    }

    @Test
    void hybridHitsCarryTheirDenseAndKeywordRanks() {
        var hits = aliceRag().search(SearchRequest.newBuilder().setCollectionId(collection.getId())
                .setQuery("order ORD-2024-00077 shipped to Porto").build()).getHitsList();
        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().getChunk().getText()).contains("ORD-2024-00077");
        assertThat(hits.getFirst().getKeywordRank()).isEqualTo(1);
        assertThat(hits).anySatisfy(h -> assertThat(h.getDenseRank()).isPositive());
        assertThat(hits).allSatisfy(h -> assertThat(h.getDenseRank() + h.getKeywordRank()).isPositive());
    }

    @Test
    void citationMarkersRunFromOneWithoutGapsAndEachCitesTheOneRowQuoted() {
        List<ChatResponse> events = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId())
                // a lookup of records (a list of matching rows would be answered exactly, by SQL)
                .setQuestion("What do we know about orders ORD-2024-00014 and ORD-2024-00034?").build())
                .forEachRemaining(events::add);
        String answer = events.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat);
        var citations = events.stream().filter(ChatResponse::hasCitation).map(ChatResponse::getCitation).toList();

        assertThat(citations).hasSizeGreaterThan(1);
        assertThat(citations).extracting(c -> c.getMarker())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, citations.size()).boxed().toList());
        var markers = java.util.regex.Pattern.compile("\\[(\\d+)]").matcher(answer).results()
                .map(m -> Integer.parseInt(m.group(1))).collect(java.util.stream.Collectors.toSet());
        assertThat(markers).isEqualTo(java.util.stream.IntStream.rangeClosed(1, citations.size()).boxed()
                .collect(java.util.stream.Collectors.toSet()));
        for (var c : citations) {
            assertThat(c.getFirstRow()).isEqualTo(c.getLastRow());
            String id = String.format("ORD-2024-%05d", c.getFirstRow());
            assertThat(c.getSnippet()).startsWith("order_id,customer,city,status,amount,note\n" + id + ",");
            assertThat(answer).contains("row " + c.getFirstRow() + ": order_id=" + id);
        }
    }

    @Test
    void anExtractiveFollowUpResolvesThroughTheRecordThePreviousAnswerCited() {
        List<ChatResponse> first = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId())
                .setQuestion("What is the status of order ORD-2024-00042?").build()).forEachRemaining(first::add);
        String conversationId = first.getFirst().getStarted().getConversationId();

        List<ChatResponse> followUp = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId()).setConversationId(conversationId)
                .setQuestion("and who is its customer?").build()).forEachRemaining(followUp::add);
        String answer = followUp.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat);
        assertThat(followUp.getLast().getUsage().getExtractive()).isTrue();
        assertThat(answer.lines().skip(1).findFirst().orElseThrow()).contains("customer=Customer 42,");
        var citation = followUp.stream().filter(ChatResponse::hasCitation).findFirst().orElseThrow().getCitation();
        assertThat(citation.getMarker()).isEqualTo(1);
        assertThat(citation.getFirstRow()).isEqualTo(42);
        assertThat(citation.getLastRow()).isEqualTo(42);

        List<ChatResponse> fresh = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId())
                .setQuestion("and who is its customer?").build()).forEachRemaining(fresh::add);
        assertThat(fresh.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat))
                .as("without the conversation there is nothing to refer to").doesNotContain("Customer 42,");
    }

    @Test
    void aChildRowIsCitedWithItsParentsNaturalKeyFromTheConversionsSchema() throws Exception {
        Session lines = alice.upload("lines.zip", ZipBytes.zip(Map.of(
                "orders.csv", "_id,@id,customer\n1,ORD-1,Harbour Ltd\n2,ORD-2,Fjord AS\n",
                "orders.line.csv", "_id,_parent_id,order.@id,_n,sku\n1,1,ORD-1,1,SKU-11111\n2,1,ORD-1,2,SKU-22222\n"
                        + "3,2,ORD-2,1,SKU-33333\n")));
        // the conversion writes its schema beside its CSVs; an uploaded CSV session gets it put there the same way
        TableLayoutTest.orders().write(server.config().runtimeDir().resolve("sessions").resolve(lines.getId())
                .resolve("outputs-upload"));
        Collection target = aliceRag().createCollection(CreateCollectionRequest.newBuilder().setName("lines").build());
        Job indexed = alice.await(aliceRag().startIndexing(StartIndexingRequest.newBuilder().setSessionId(lines.getId())
                .setCollectionId(target.getId()).build()).getId());
        assertThat(indexed.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        List<ChatResponse> events = new ArrayList<>();
        aliceRag().chat(ChatRequest.newBuilder().setCollectionId(target.getId())
                .setQuestion("Which order has SKU-22222?").build()).forEachRemaining(events::add);
        String answer = events.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat);
        var citation = events.stream().filter(ChatResponse::hasCitation).findFirst().orElseThrow().getCitation();

        assertThat(citation.getFile()).isEqualTo("orders.line.csv");
        assertThat(citation.getFirstRow()).isEqualTo(2);
        assertThat(citation.getRecordKey()).isEqualTo("order.@id=ORD-1, _n=2");
        assertThat(citation.getSnippet()).isEqualTo("order.@id,_n,sku\nORD-1,2,SKU-22222");
        assertThat(answer).contains("order.@id=ORD-1").doesNotContain("_parent_id");
    }

    @Test
    void badRequestsAreRefused() {
        refused(() -> aliceRag().chat(ChatRequest.newBuilder().setCollectionId(collection.getId()).setQuestion("").build())
                .hasNext(), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> aliceRag().search(SearchRequest.newBuilder().setCollectionId(collection.getId()).setQuery("x")
                .setOptions(RetrievalOptions.newBuilder().setTopK(500)).build()), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> aliceRag().createCollection(CreateCollectionRequest.newBuilder().setName("orders").build()),
                Status.Code.ALREADY_EXISTS, "COLLECTION_EXISTS");
    }

    private static <T> int lastIndex(List<T> list, java.util.function.Predicate<T> test) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (test.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
