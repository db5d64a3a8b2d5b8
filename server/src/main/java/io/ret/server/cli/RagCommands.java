package io.ret.server.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.ret.api.v1.ChatRequest;
import io.ret.api.v1.ChatResponse;
import io.ret.api.v1.Citation;
import io.ret.api.v1.Collection;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.DeleteCollectionRequest;
import io.ret.api.v1.IndexingOptions;
import io.ret.api.v1.Job;
import io.ret.api.v1.ListCollectionsRequest;
import io.ret.api.v1.ListCollectionsResponse;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.RetrievalMode;
import io.ret.api.v1.RetrievalOptions;
import io.ret.api.v1.SearchHit;
import io.ret.api.v1.SearchRequest;
import io.ret.api.v1.SearchResponse;
import io.ret.api.v1.StartIndexingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Collections, indexing, search and chat. A COLLECTION is its id or its name. */
final class RagCommands {
    private RagCommands() {
    }

    @Command(name = "collections", description = "Your collections: list, create, delete.",
            subcommands = {Collections.List.class, Collections.Create.class, Collections.Delete.class})
    static final class Collections {
        @Command(name = "list", description = "Collections you own or were granted.")
        static final class List extends ClientCommand {
            List(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                ListCollectionsResponse all = ListCollectionsResponse.newBuilder().addAllCollections(all(client)).build();
                out.document(all);
                out.textf("%-36s  %-24s  %8s  %s%n", "COLLECTION", "NAME", "CHUNKS", "SESSIONS");
                for (Collection c : all.getCollectionsList()) {
                    out.textf("%-36s  %-24s  %8d  %s%n", c.getId(), c.getName(), c.getChunkCount(),
                            String.join(",", c.getSessionIdsList()));
                }
                return ExitCodes.OK;
            }
        }

        @Command(name = "create", description = "A new, empty collection.")
        static final class Create extends ClientCommand {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--description") String description;

            Create(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                Collection c = client.call(RagServiceGrpc::newBlockingStub).createCollection(CreateCollectionRequest
                        .newBuilder().setName(name).setDescription(description == null ? "" : description).build());
                out.document(c);
                out.text("created collection " + c.getName() + " (" + c.getId() + ")");
                return ExitCodes.OK;
            }
        }

        @Command(name = "delete", description = "Delete a collection and its chunks.")
        static final class Delete extends ClientCommand {
            @Parameters(paramLabel = "COLLECTION") String collection;

            Delete(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                Collection c = resolve(client, collection);
                out.document(client.call(RagServiceGrpc::newBlockingStub)
                        .deleteCollection(DeleteCollectionRequest.newBuilder().setCollectionId(c.getId()).build()));
                out.text("deleted collection " + c.getName());
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "index", description = {"Index a session's outputs into a collection.",
            "The collection (id or name) is created when none has that name."})
    static final class Index extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION") String sessionId;
        @Parameters(index = "1", paramLabel = "COLLECTION") String collection;
        @Option(names = "--file", description = "Only this output (repeatable).") java.util.List<String> files = new ArrayList<>();
        @Option(names = "--watch", negatable = true, description = "Follow the job (default on a terminal).") Boolean watch;

        Index(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) throws InterruptedException {
            Collection target = find(client, collection).orElseGet(() -> {
                Collection created = client.call(RagServiceGrpc::newBlockingStub)
                        .createCollection(CreateCollectionRequest.newBuilder().setName(collection).build());
                if (!out.json()) {
                    context.err().println("ret: created collection " + created.getName() + " (" + created.getId() + ")");
                }
                return created;
            });
            Job job = client.call(RagServiceGrpc::newBlockingStub).startIndexing(StartIndexingRequest.newBuilder()
                    .setSessionId(sessionId).setCollectionId(target.getId())
                    .setOptions(IndexingOptions.newBuilder().addAllFiles(files)).build());
            return JobCommands.follow(client, context, out, job, watch(watch), (c, o, ended) -> JobCommands.describe(ended, o));
        }
    }

    @Command(name = "search", description = "The chunks a question would be answered from (no model).")
    static final class Search extends ClientCommand {
        @Parameters(index = "0", paramLabel = "COLLECTION") String collection;
        @Parameters(index = "1", paramLabel = "QUERY") String query;
        @Option(names = "--top", defaultValue = "5") int top;
        @Option(names = "--mode", description = "hybrid (default), dense or keyword") String mode;

        Search(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            SearchResponse response = client.call(RagServiceGrpc::newBlockingStub).search(SearchRequest.newBuilder()
                    .setCollectionId(resolve(client, collection).getId()).setQuery(query)
                    .setOptions(retrieval(top, mode)).build());
            out.document(response);
            int n = 0;
            for (SearchHit hit : response.getHitsList()) {
                var chunk = hit.getChunk();
                out.textf("%d. %s rows %d-%d  score %.4f%n   %s%n", ++n, chunk.getFile(), chunk.getFirstRow(),
                        chunk.getLastRow(), hit.getScore(), chunk.getText().replace("\n", "\n   "));
            }
            if (n == 0) {
                out.text("no matching chunks");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "chat", description = {"Ask questions about a collection, with citations.",
            "The answer streams as it comes, the citations follow it.", "Interactive (an empty line or end of input stops) unless -q gives one question."})
    static final class Chat extends ClientCommand {
        @Parameters(paramLabel = "COLLECTION") String collection;
        @Option(names = "-q", paramLabel = "QUESTION", description = "Ask one question and stop.") String question;
        @Option(names = "--conversation", description = "Continue this conversation.") String conversation;
        @Option(names = "--top", defaultValue = "5") int top;

        Chat(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            String collectionId = resolve(client, collection).getId();
            String conversationId = conversation == null ? "" : conversation;
            if (question != null) {
                ask(client, out, collectionId, conversationId, question);
                return ExitCodes.OK;
            }
            while (true) {
                if (context.interactive()) {
                    context.err().print("> ");
                    context.err().flush();
                }
                String line = context.readLine();
                if (line == null || line.isBlank()) {
                    return ExitCodes.OK;
                }
                conversationId = ask(client, out, collectionId, conversationId, line.strip());
            }
        }

        private String ask(RetClient client, Output out, String collectionId, String conversationId, String text) {
            Iterator<ChatResponse> answer = client.stream(RagServiceGrpc::newBlockingStub).chat(ChatRequest.newBuilder()
                    .setCollectionId(collectionId).setQuestion(text).setConversationId(conversationId)
                    .setOptions(retrieval(top, null)).build());
            String conversationNow = conversationId;
            List<Citation> citations = new ArrayList<>();
            boolean extractive = false;
            while (answer.hasNext()) {
                ChatResponse event = answer.next();
                out.line(event);
                switch (event.getEventCase()) {
                    case STARTED -> conversationNow = event.getStarted().getConversationId();
                    case TOKEN -> {
                        if (!out.json()) {
                            out.out().print(event.getToken());
                            out.out().flush();
                        }
                    }
                    case CITATION -> citations.add(event.getCitation());
                    case USAGE -> extractive = event.getUsage().getExtractive();
                    default -> {
                    }
                }
            }
            out.text("");
            if (!citations.isEmpty()) {
                out.text("");
                for (Citation c : citations) {
                    out.textf("[%d] %s rows %d-%d (session %s)%n", c.getMarker(), c.getFile(), c.getFirstRow(),
                            c.getLastRow(), c.getSessionId());
                }
            }
            if (extractive) {
                out.text("(extractive answer: quoted from the best matching rows, no language model)");
            }
            out.text("");
            return conversationNow;
        }
    }

    static RetrievalOptions retrieval(int top, String mode) {
        RetrievalOptions.Builder options = RetrievalOptions.newBuilder().setTopK(Math.clamp(top, 1, 50));
        if (mode != null) {
            options.setMode(RetrievalMode.valueOf("RETRIEVAL_MODE_" + mode.toUpperCase(Locale.ROOT)));
        }
        return options.build();
    }

    static List<Collection> all(RetClient client) {
        List<Collection> all = new ArrayList<>();
        String token = "";
        do {
            ListCollectionsResponse page = client.call(RagServiceGrpc::newBlockingStub)
                    .listCollections(ListCollectionsRequest.newBuilder().setPageSize(200).setPageToken(token).build());
            all.addAll(page.getCollectionsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    static Optional<Collection> find(RetClient client, String idOrName) {
        List<Collection> all = all(client);
        return all.stream().filter(c -> c.getId().equals(idOrName)).findFirst()
                .or(() -> all.stream().filter(c -> c.getName().equals(idOrName)).findFirst());
    }

    static Collection resolve(RetClient client, String idOrName) {
        return find(client, idOrName).orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND,
                "no collection with the id or name '" + idOrName + "' (ret collections list shows yours)"));
    }
}
