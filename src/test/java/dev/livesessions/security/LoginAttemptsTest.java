package dev.livesessions.security;

import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LoginAttemptsTest {

    /**
     * While one password is being checked, the logins let in wait their turn, and the next one is turned away at
     * once: a flood of logins holds a few request threads, not all of them.
     */
    @Test
    void aLoginBeyondThoseLetInIsTurnedAwayAtOnceWhileAPasswordIsBeingChecked() throws Exception {
        OncePerRequestFilter logins = new LoginAttempts().filter();
        CountDownLatch checkMayEnd = new CountDownLatch(1);
        FilterChain passwordCheck = (request, response) -> {
            try {
                checkMayEnd.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<String> answers = new CopyOnWriteArrayList<>();
        ExecutorService browsers = Executors.newFixedThreadPool(LoginAttempts.MOST_AT_ONCE + 1);
        try {
            for (int i = 0; i <= LoginAttempts.MOST_AT_ONCE; i++) {
                String username = "guess-" + i;
                browsers.submit(() -> {
                    MockHttpServletRequest login = new MockHttpServletRequest("POST", "/login");
                    login.setParameter("username", username);
                    MockHttpServletResponse answer = new MockHttpServletResponse();
                    logins.doFilter(login, answer, passwordCheck);
                    answers.add(answer.getRedirectedUrl() == null ? "checked" : answer.getRedirectedUrl());
                    return null;
                });
            }

            // The others wait up to 5 s for their turn: only the one turned away has its answer yet.
            await().atMost(Duration.ofSeconds(3)).until(() -> answers.size() == 1);
            assertThat(answers).containsExactly("/login.html?busy");

            checkMayEnd.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == LoginAttempts.MOST_AT_ONCE + 1);
            assertThat(answers).filteredOn("checked"::equals).hasSize(LoginAttempts.MOST_AT_ONCE);
        } finally {
            browsers.shutdownNow();
        }
    }
}
