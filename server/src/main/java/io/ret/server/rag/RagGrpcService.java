package io.ret.server.rag;

import static io.ret.server.platform.grpc.Unary.reply;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.ChatRequest;
import io.ret.api.v1.ChatResponse;
import io.ret.api.v1.ChatStarted;
import io.ret.api.v1.ChatUsage;
import io.ret.api.v1.Citation;
import io.ret.api.v1.Collection;
import io.ret.api.v1.Conversation;
import io.ret.api.v1.ConversationMessage;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.DeleteCollectionRequest;
import io.ret.api.v1.DeleteCollectionResponse;
import io.ret.api.v1.DeleteConversationRequest;
import io.ret.api.v1.DeleteConversationResponse;
import io.ret.api.v1.GetCollectionRequest;
import io.ret.api.v1.GetConversationRequest;
import io.ret.api.v1.GrantCollectionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.ListCollectionsRequest;
import io.ret.api.v1.ListCollectionsResponse;
import io.ret.api.v1.ListConversationsRequest;
import io.ret.api.v1.ListConversationsResponse;
import io.ret.api.v1.MessageRole;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.RetrievalOptions;
import io.ret.api.v1.RevokeCollectionGrantRequest;
import io.ret.api.v1.SearchHit;
import io.ret.api.v1.SearchRequest;
import io.ret.api.v1.SearchResponse;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.operator.api.IndexJobSpec;
import io.ret.server.job.JobProtos;
import io.ret.server.job.JobType;
import io.ret.server.job.Jobs;
import io.ret.server.platform.Ids;
import io.ret.server.platform.api.Page;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.grpc.ShutdownSignal;
import io.ret.server.platform.security.Principal;
import io.ret.server.query.ask.ExactAnswerProtos;
import io.ret.server.query.ask.TabularAnswerer;
import io.ret.server.rag.CollectionStore.CollectionRecord;
import io.ret.server.rag.ConversationStore.ConversationRecord;
import io.ret.server.rag.ConversationStore.MessageRecord;
import io.ret.server.rag.chat.CitedRows;
import io.ret.server.rag.chat.FollowUp;
import io.ret.server.rag.chat.MarkerRenumbering;
import io.ret.server.rag.resilience.ModelUnavailableException;
import io.ret.server.rag.retrieve.HybridRetriever;
import io.ret.server.rag.retrieve.Retrieval;
import io.ret.server.rag.retrieve.RetrievalMode;
import io.ret.server.rag.retrieve.RetrievedChunk;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.Sessions;

/** ret.v1.RagService: collections, indexing jobs, search, streamed chat with citations, conversations. */
public final class RagGrpcService extends RagServiceGrpc.RagServiceImplBase {
    private static final int MAX_QUESTION_CHARS = 4000;
    private static final String NOTHING_RELEVANT =
            "Nothing in this collection is relevant enough to answer that question.";

    private final Collections collections;
    private final ConversationStore conversations;
    private final Supplier<RagEngine> rag;
    private final Sessions sessions;
    private final Jobs jobs;
    private final ShutdownSignal shutdown;
    private final Clock clock;
    private final TabularAnswerer tabular;

    public RagGrpcService(Collections collections, ConversationStore conversations, Supplier<RagEngine> rag, Sessions sessions,
                          Jobs jobs, ShutdownSignal shutdown, Clock clock, TabularAnswerer tabular) {
        this.collections = collections;
        this.conversations = conversations;
        this.rag = rag;
        this.sessions = sessions;
        this.jobs = jobs;
        this.shutdown = shutdown;
        this.clock = clock;
        this.tabular = tabular;
    }

    private Collection describe(CollectionRecord c) {
        return RagProtos.collection(c, collections.chunkCount(c), collections.store().sessions(c.id()),
                collections.store().grantees(c.id()));
    }

    @Override
    public void createCollection(CreateCollectionRequest request, StreamObserver<Collection> response) {
        reply(response, describe(collections.create(RequestContext.requirePrincipal(), request.getName(),
                request.getDescription())));
    }

    @Override
    public void getCollection(GetCollectionRequest request, StreamObserver<Collection> response) {
        reply(response, describe(collections.readable(RequestContext.requirePrincipal(), request.getCollectionId())));
    }

    @Override
    public void listCollections(ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        Page<CollectionRecord> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> collections.list(principal, before, limit), CollectionRecord::id);
        ListCollectionsResponse.Builder out = ListCollectionsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(c -> out.addCollections(describe(c)));
        reply(response, out.build());
    }

    @Override
    public void deleteCollection(DeleteCollectionRequest request, StreamObserver<DeleteCollectionResponse> response) {
        collections.delete(RequestContext.requirePrincipal(), request.getCollectionId());
        reply(response, DeleteCollectionResponse.getDefaultInstance());
    }

    @Override
    public void grantCollection(GrantCollectionRequest request, StreamObserver<Collection> response) {
        reply(response, describe(collections.grant(RequestContext.requirePrincipal(), request.getCollectionId(),
                request.getUserId())));
    }

    @Override
    public void revokeCollectionGrant(RevokeCollectionGrantRequest request, StreamObserver<Collection> response) {
        reply(response, describe(collections.revoke(RequestContext.requirePrincipal(), request.getCollectionId(),
                request.getUserId())));
    }

    @Override
    public void startIndexing(StartIndexingRequest request, StreamObserver<Job> response) {
        Principal principal = RequestContext.requirePrincipal();
        CollectionRecord collection = collections.requireCurrentModel(collections.owned(principal, request.getCollectionId()));
        SessionRecord session = sessions.withOutputs(principal, request.getSessionId());
        int maxChars = request.getOptions().getMaxChunkChars();
        if (maxChars != 0 && (maxChars < 200 || maxChars > 20_000)) {
            throw ApiException.invalid("options.max_chunk_chars", "must be 0 (800) or between 200 and 20000");
        }
        int parallelism = request.getOptions().getParallelism();
        if (parallelism < 0 || parallelism > IndexJobSpec.MAX_PARALLELISM) {
            throw ApiException.invalid("options.parallelism", "must be 0 (1) to " + IndexJobSpec.MAX_PARALLELISM);
        }
        for (String file : request.getOptions().getFilesList()) {
            sessions.output(session, file);
        }
        // counted now (a parsing pass, no embedding) so the job says how much work it is from the start
        IndexingWork work = IndexingWork.of(rag.get(), sessions.store(), sessions.storage(), session,
                new ChunkSource(collection.storeName(), collection.ownerId(), session.id()), request);
        reply(response, JobProtos.job(jobs.submit(principal, JobType.INDEXING, session.id(),
                request.toBuilder().setCollectionId(collection.id()).build().toByteArray(), request.getPriority(),
                work.plan().chunks(), "queued: " + work.describe())));
    }

    @Override
    public void search(SearchRequest request, StreamObserver<SearchResponse> response) {
        CollectionRecord collection = collections.readable(RequestContext.requirePrincipal(), request.getCollectionId());
        String query = Validate.required("query", request.getQuery(), MAX_QUESTION_CHARS);
        Retrieval retrieval = retrieve(collection, query, request.getOptions());
        SearchResponse.Builder out = SearchResponse.newBuilder();
        for (RetrievedChunk hit : retrieval.chunks()) {
            out.addHits(SearchHit.newBuilder()
                    .setChunk(RagProtos.chunk(hit.chunk()))
                    .setScore(hit.score())
                    .setDenseScore(hit.similarity().orElse(0))
                    .setDenseRank(hit.denseRank())
                    .setKeywordRank(hit.keywordRank()));
        }
        reply(response, out.build());
    }

    private Retrieval retrieve(CollectionRecord collection, String question, RetrievalOptions options) {
        HybridRetriever.Settings defaults = rag.get().retriever().settings();
        int topK = options.getTopK() == 0 ? defaults.topK() : options.getTopK();
        if (topK < 0 || topK > 50) {
            throw ApiException.invalid("options.top_k", "must be between 1 and 50 (0 means 5)");
        }
        if (options.getMinScore() < 0 || options.getMinScore() > 1) {
            throw ApiException.invalid("options.min_score", "must be a cosine similarity between 0 and 1");
        }
        double min = options.getMinScore() == 0 ? defaults.minSimilarity() : options.getMinScore();
        RetrievalMode mode = switch (options.getMode()) {
            case RETRIEVAL_MODE_DENSE -> RetrievalMode.DENSE;
            case RETRIEVAL_MODE_KEYWORD -> RetrievalMode.KEYWORD;
            default -> RetrievalMode.HYBRID;
        };
        collections.requireCurrentModel(collection);
        try {
            return rag.get().retriever().retrieve(collections.scope(collection), question, defaults.with(mode, topK, min));
        } catch (ModelUnavailableException e) {
            throw unavailable(e);
        }
    }

    private static ApiException unavailable(ModelUnavailableException e) {
        return ApiException.unavailable("MODEL_UNAVAILABLE", "the embedding or chat model is unavailable: "
                + e.getMessage(), Duration.ofSeconds(5));
    }

    @Override
    public void chat(ChatRequest request, StreamObserver<ChatResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        CollectionRecord collection = collections.readable(principal, request.getCollectionId());
        String question = Validate.text("question", request.getQuestion(), MAX_QUESTION_CHARS, true);
        ConversationRecord conversation = conversation(principal, collection, request.getConversationId(), question);
        List<MessageRecord> earlier = conversations.messages(conversation.id());
        List<io.ret.server.rag.chat.ChatRequest.Turn> history = history(earlier);
        // a follow-up ("and who is its customer?") is searched with the rows the previous answer cited
        String searchText = FollowUp.searchText(question, RecordKeys.citedRows(lastCitations(earlier)));
        conversations.addMessage(new MessageRecord(Ids.newId(), conversation.id(), ConversationStore.Role.USER, question,
                null, clock.instant()));
        String answerId = Ids.newId();
        var call = (ServerCallStreamObserver<ChatResponse>) response;
        call.onNext(ChatResponse.newBuilder().setStarted(ChatStarted.newBuilder()
                .setConversationId(conversation.id()).setMessageId(answerId)).build());

        // counting, sums, extremes, top-N: computed with SQL over the tables, not read from retrieved text
        var exact = tabular.answer(collections.store().sessions(collection.id()).stream()
                .map(CollectionStore.IndexedSession::sessionId).toList(), question);
        if (exact instanceof TabularAnswerer.Answered answered) {
            call.onNext(ChatResponse.newBuilder().setToken(answered.text()).build());
            List<Citation> cited = answered.sources().stream().map(ExactAnswerProtos::citation).toList();
            cited.forEach(c -> call.onNext(ChatResponse.newBuilder().setCitation(c).build()));
            call.onNext(ChatResponse.newBuilder().setUsage(ExactAnswerProtos.usage(answered)).build());
            save(answerId, conversation, answered.text(), cited);
            call.onCompleted();
            return;
        }
        if (exact instanceof TabularAnswerer.Declined declined) {
            call.onNext(ChatResponse.newBuilder().setToken(declined.note()).build());
        }
        Retrieval retrieval = retrieve(collection, searchText, request.getOptions());
        if (retrieval.nothingRelevant()) {
            call.onNext(ChatResponse.newBuilder().setToken(NOTHING_RELEVANT).build());
            call.onNext(ChatResponse.newBuilder().setUsage(ChatUsage.newBuilder().setNoContext(true)).build());
            save(answerId, conversation, NOTHING_RELEVANT, List.of());
            call.onCompleted();
            return;
        }
        StringBuilder answer = new StringBuilder(exact instanceof TabularAnswerer.Declined d ? d.note() : "");
        io.ret.server.rag.chat.ChatUsage usage;
        MarkerRenumbering renumbering;
        try {
            // markers are renumbered 1..n in order of use as the answer streams
            renumbering = new MarkerRenumbering(retrieval.chunks().size(), token -> {
                        if (call.isCancelled()) {
                            throw new IllegalStateException("the client went away");
                        }
                        if (shutdown.fired()) {
                            throw ApiException.unavailable("SHUTTING_DOWN", "the server is shutting down; ask again",
                                    Duration.ofSeconds(1));
                        }
                        answer.append(token);
                        call.onNext(ChatResponse.newBuilder().setToken(token).build());
                    });
            usage = rag.get().chat().answer(new io.ret.server.rag.chat.ChatRequest(question, retrieval.context(), history,
                    searchText), renumbering);
            renumbering.finish();
        } catch (ModelUnavailableException e) {
            throw unavailable(e);
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            if (call.isCancelled()) {
                return;
            }
            throw new IllegalStateException("chat failed", e);
        }
        List<Citation> citations = new ArrayList<>();
        RecordKeys keys = new RecordKeys(sessions.store(), sessions.storage());
        List<Integer> passages = renumbering.passagesByMarker();
        for (int marker = 1; marker <= passages.size(); marker++) {
            RetrievedChunk hit = retrieval.chunks().get(passages.get(marker - 1) - 1);
            CitedRows.Rows rows = CitedRows.of(answer.toString(), marker, hit.chunk());
            Citation citation = RagProtos.citation(marker, hit, rows, keys.of(hit.chunk(), rows));
            citations.add(citation);
            call.onNext(ChatResponse.newBuilder().setCitation(citation).build());
        }
        call.onNext(ChatResponse.newBuilder().setUsage(ChatUsage.newBuilder()
                .setModel(usage.model())
                .setPromptTokens(usage.promptTokens())
                .setCompletionTokens(usage.completionTokens())
                .setExtractive(usage.extractive())).build());
        save(answerId, conversation, answer.toString(), citations);
        call.onCompleted();
    }

    private ConversationRecord conversation(Principal principal, CollectionRecord collection, String id, String question) {
        if (id == null || id.isEmpty()) {
            var now = clock.instant();
            String title = question.length() <= 80 ? question : question.substring(0, 80) + "…";
            ConversationRecord created = new ConversationRecord(Ids.newId(), principal.userId(), collection.id(),
                    title.replaceAll("\\s+", " ").strip(), now, now);
            conversations.insert(created);
            return created;
        }
        Validate.id("conversation_id", id);
        ConversationRecord existing = conversations.get(id).filter(c -> c.ownerId().equals(principal.userId()))
                .orElseThrow(() -> ApiException.notFound("conversation", id));
        if (!existing.collectionId().equals(collection.id())) {
            throw ApiException.invalid("conversation_id", "belongs to another collection");
        }
        return existing;
    }

    private static List<Citation> lastCitations(List<MessageRecord> messages) {
        for (MessageRecord m : messages.reversed()) {
            if (m.role() == ConversationStore.Role.ASSISTANT) {
                return citations(m);
            }
        }
        return List.of();
    }

    private static List<io.ret.server.rag.chat.ChatRequest.Turn> history(List<MessageRecord> messages) {
        return messages.stream()
                .map(m -> new io.ret.server.rag.chat.ChatRequest.Turn(m.role() == ConversationStore.Role.USER
                        ? io.ret.server.rag.chat.ChatRequest.Role.USER : io.ret.server.rag.chat.ChatRequest.Role.ASSISTANT,
                        m.text()))
                .toList();
    }

    private void save(String id, ConversationRecord conversation, String text, List<Citation> citations) {
        conversations.addMessage(new MessageRecord(id, conversation.id(), ConversationStore.Role.ASSISTANT, text,
                ConversationMessage.newBuilder().addAllCitations(citations).build().toByteArray(), clock.instant()));
    }

    @Override
    public void listConversations(ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        String collection = request.getCollectionId().isEmpty() ? "" : Validate.id("collection_id", request.getCollectionId());
        Page<ConversationRecord> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> conversations.list(principal.userId(), collection, before, limit), ConversationRecord::id);
        ListConversationsResponse.Builder out = ListConversationsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(c -> out.addConversations(conversation(c, List.of())));
        reply(response, out.build());
    }

    @Override
    public void getConversation(GetConversationRequest request, StreamObserver<Conversation> response) {
        ConversationRecord c = owned(request.getConversationId());
        reply(response, conversation(c, conversations.messages(c.id())));
    }

    @Override
    public void deleteConversation(DeleteConversationRequest request, StreamObserver<DeleteConversationResponse> response) {
        conversations.delete(owned(request.getConversationId()).id());
        reply(response, DeleteConversationResponse.getDefaultInstance());
    }

    private ConversationRecord owned(String id) {
        Principal principal = RequestContext.requirePrincipal();
        Validate.id("conversation_id", id);
        return conversations.get(id).filter(c -> principal.mayAccess(c.ownerId()))
                .orElseThrow(() -> ApiException.notFound("conversation", id));
    }

    private static Conversation conversation(ConversationRecord c, List<MessageRecord> messages) {
        Conversation.Builder out = Conversation.newBuilder()
                .setId(c.id())
                .setOwnerId(c.ownerId())
                .setCollectionId(c.collectionId())
                .setTitle(c.title())
                .setCreateTime(Protos.timestamp(c.createdAt()))
                .setUpdateTime(Protos.timestamp(c.updatedAt()));
        for (MessageRecord m : messages) {
            ConversationMessage.Builder message = ConversationMessage.newBuilder()
                    .setId(m.id())
                    .setRole(m.role() == ConversationStore.Role.USER ? MessageRole.MESSAGE_ROLE_USER
                            : MessageRole.MESSAGE_ROLE_ASSISTANT)
                    .setText(m.text())
                    .setCreateTime(Protos.timestamp(m.createdAt()));
            message.addAllCitations(citations(m));
            out.addMessages(message);
        }
        return out.build();
    }

    private static List<Citation> citations(MessageRecord m) {
        if (m.citations() == null) {
            return List.of();
        }
        try {
            return ConversationMessage.parseFrom(m.citations()).getCitationsList();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable citations of message " + m.id(), e);
        }
    }
}
