package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.ret.server.rag.chat.ChatRequest;
import io.ret.server.rag.chat.ChatRequest.Role;
import io.ret.server.rag.chat.ChatRequest.Turn;
import io.ret.server.rag.chat.ChatUsage;
import io.ret.server.rag.chat.Citations;
import io.ret.server.rag.chat.ExtractiveChatModel;
import io.ret.server.rag.chat.PromptBuilder;

class ChatTest {
    static final Chunk ORDERS = new Chunk("a", "docs", "alice", "s1", "orders.csv", 16, 18,
            "order_id,status,city\nORD-16,open,Oslo\nORD-17,shipped,\"Lyon, FR\"\nORD-18,open,Rome");
    static final Chunk ITEMS = new Chunk("b", "docs", "alice", "s1", "items.csv", 3, 3, "sku,name\nSKU-1,Widget");

    @Test
    void promptLimitsTheModelToNumberedContextAndKeepsRecentHistory() {
        List<Turn> history = IntStream.range(0, 10)
                .mapToObj(i -> new Turn(i % 2 == 0 ? Role.USER : Role.ASSISTANT, "turn " + i)).toList();
        var messages = new PromptBuilder(4, 10_000).build(new ChatRequest("Status of ORD-17?", List.of(ORDERS, ITEMS), history));

        assertThat(messages.getFirst().role()).isEqualTo(PromptBuilder.Role.SYSTEM);
        assertThat(messages.getFirst().content()).contains("only the numbered context").contains("[1]");
        assertThat(messages.subList(1, 5)).extracting(PromptBuilder.Message::content)
                .containsExactly("turn 6", "turn 7", "turn 8", "turn 9");
        String user = messages.getLast().content();
        assertThat(user).contains("<passage n=\"1\" source=\"orders.csv rows 16-18\">")
                .contains("<passage n=\"2\" source=\"items.csv row 3\">").endsWith("Question: Status of ORD-17?");
        assertThat(new PromptBuilder(10, 12).build(new ChatRequest("q", List.of(), history))).as("2 turns fit 12 chars").hasSize(4);
    }

    @Test
    void findsTheCitedPassages() {
        assertThat(Citations.cited("Shipped [1]. Also [3][2] and [2, 1]; not [9] or [x].", 3)).containsExactly(1, 2, 3);
        assertThat(Citations.cited("no citations", 3)).isEmpty();
    }

    @Test
    void theExtractiveAnswerQuotesTheBestRowsWithMarkersAndSaysSo() {
        List<String> tokens = new ArrayList<>();
        ChatUsage usage = new ExtractiveChatModel(1).answer(
                new ChatRequest("What is the status of ORD-17?", List.of(ITEMS, ORDERS), List.of()), tokens::add);

        String answer = String.join("", tokens);
        assertThat(usage.extractive()).isTrue();
        assertThat(answer).startsWith("Extractive answer")
                .contains("orders.csv row 17: order_id=ORD-17, status=shipped, city=Lyon, FR [2]");
        assertThat(Citations.cited(answer, 2)).containsExactly(2);
    }

    @Test
    void theExtractiveAnswerQuotesTheRowWithTheAskedColumnBeforeChildRowsThatOnlyRepeatTheKey() {
        List<Chunk> skills = IntStream.rangeClosed(1, 3).mapToObj(i -> new Chunk("s" + i, "docs", "alice", "s1",
                "employee.skill.csv", i, i, "employee@id,skill\nE39582,Skill " + i)).toList();
        Chunk employee = new Chunk("e", "docs", "alice", "s1", "employee.csv", 7, 7,
                "@id,name,phone\nE39582,Emma Varga,+47 6590 6720");
        List<Chunk> context = new ArrayList<>(skills);
        context.add(employee); // retrieval ranked the child rows first
        List<String> tokens = new ArrayList<>();
        new ExtractiveChatModel(3).answer(new ChatRequest("What is the phone number of employee E39582?", context, List.of()),
                tokens::add);

        String answer = String.join("", tokens);
        assertThat(answer.lines().skip(1).findFirst().orElseThrow())
                .isEqualTo("- employee.csv row 7: @id=E39582, name=Emma Varga, phone=+47 6590 6720 [4]");
    }
}
