package dev.livesessions.dashboard;

import dev.livesessions.Http;
import dev.livesessions.IntegrationTest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (headless Chromium from Debian's packages, which .ci/run installs): each role logs
 * in and sees what it may; sessions appear and close live as webhooks arrive; a delete needs its confirmation;
 * restore brings the session back. Screenshots are saved under target/screenshots/.
 */
@IntegrationTest
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final String SELLER = "+33611111111";
    private static final String PASSWORD = "a-password-for-tests";
    private static final Duration LIVE = Duration.ofSeconds(15);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private Http admin;
    private String tenant;
    private String neighbour;
    private WebDriver browser;

    /** Skipped where Chromium is missing, but for CI (-Dbrowser-tests.required=true), where that is a failure. */
    @BeforeAll
    static void chromiumIsInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String why = "Debian's chromium and chromium-driver are needed (apt-get install chromium chromium-driver)";
        if (Boolean.getBoolean("browser-tests.required")) {
            assertThat(installed).as(why).isTrue();
        }
        assumeTrue(installed, why);
    }

    @BeforeEach
    void aTenantItsPeopleAndABrowser() {
        admin = new Http(port);
        tenant = uniqueTenant("dash");
        neighbour = uniqueTenant("dash");
        admin.createTenant(tenant, "PT4S", SELLER);
        admin.createTenant(neighbour, null, SELLER);
        user(tenant + "-admin", "ADMIN", null);
        user(tenant + "-streamer", "STREAMER", tenant);
        user(tenant + "-viewer", "VIEWER", tenant);
        browser = chromium();
    }

    @AfterEach
    void closeTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAdminSeesEveryTenantTheStatisticsAndTheAdminTools() {
        admin.message(tenant, "m1", SELLER, "live");
        logIn(tenant + "-admin");

        assertThat(text("#whoami")).contains(tenant + "-admin").contains("Admin");
        assertThat(browser.findElement(By.id("filter-tenant")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("admin-tools")).isDisplayed()).isTrue();
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#stats [data-stat='activeSessions']")));

        thePageHasReadItsSessions();
        click(By.id("cleanup-preview"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("cleanup-result"), "Dry run"));
        // Left as they are, the fields preview what a scheduled run does: each tenant's own archive delay counts.
        assertThat(text("#cleanup-result")).contains("or their tenant's own archive delay");
        screenshot("dashboard-admin");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /**
     * Messages keep coming while a replay started from the dashboard runs, so the stream's head moves on at every look
     * (here, the progress the page reads says the head is always 1 000 events further): the page still says when the
     * read models are past the head the replay began with. A read of the progress that fails (here, the first after
     * the start) does not end the page's watch.
     */
    @Test
    void aReplayStartedFromTheDashboardEndsWhileTheStreamMovesOn() {
        beforeThePageLoads("""
                window.fetch = async (input, init) => {
                  if (String(input) === '/api/replays/progress' && window.replayStarted && !window.failedOnce) {
                    window.failedOnce = true;
                    return unavailable();
                  }
                  window.replayStarted = window.replayStarted || String(input) === '/api/replays';
                  const answer = await fetchNow(input, init);
                  if (String(input) !== '/api/replays/progress' || !answer.ok) {
                    return answer;
                  }
                  const progress = await answer.json();
                  progress.head += 1000;
                  return new Response(JSON.stringify(progress), { status: answer.status, headers: answer.headers });
                };""");
        logIn(tenant + "-admin");

        thePageHasReadItsSessions();
        clickUntilOpen(By.id("replay-start"), "confirm-replay");
        click(By.id("confirm-replay-button"));

        new WebDriverWait(browser, Duration.ofSeconds(60)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Replay finished"));
        assertThat(script("return window.failedOnce === true")).isEqualTo(true);
        assertThat(browser.findElement(By.id("replay-start")).isEnabled()).isTrue();
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** A page that failed to load is not the page shown: the next click asks for it again, not for the one after. */
    @Test
    void aPageThatFailedToLoadIsAskedForAgain() {
        sessionsOnTwoPages();
        beforeThePageLoads("""
                window.pagesAsked = [];
                window.fetch = async (input, init) => {
                  const url = String(input);
                  if (!url.startsWith('/api/sessions?')) {
                    return fetchNow(input, init);
                  }
                  const page = new URLSearchParams(url.split('?')[1]).get('page');
                  window.pagesAsked.push(page);
                  if (page === '1' && !window.failedOnce) {
                    window.failedOnce = true;
                    return unavailable();
                  }
                  return fetchNow(input, init);
                };""");
        logIn(tenant + "-streamer");
        // Once the stream is open, the page reads its sessions only when asked to.
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 1 of 2"));

        click(By.id("page-next"));
        waitFor(driver -> Boolean.TRUE.equals(script("return window.failedOnce === true")));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 1 of 2"));
        click(By.id("page-next"));

        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 2 of 2"));
        assertThat(browser.findElements(By.cssSelector("#sessions tbody tr"))).hasSize(1);
        assertThat(script("return window.pagesAsked.slice(-2)")).isEqualTo(List.of("1", "1"));
    }

    /**
     * A filter whose sessions fail to load is undone: the field shows again what the rows were read under. Chosen
     * again, it loads, and the error goes with the failure it reported.
     */
    @Test
    void aFilterThatFailedToLoadIsUndone() {
        sessionsOnTwoPages();
        beforeThePageLoads("""
                window.fetch = async (input, init) => {
                  const url = String(input);
                  if (url.startsWith('/api/sessions?') && url.includes('status=ACTIVE') && !window.failedOnce) {
                    window.failedOnce = true;
                    return unavailable();
                  }
                  return fetchNow(input, init);
                };""");
        logIn(tenant + "-streamer");
        // Once the stream is open, the page reads its sessions only when asked to.
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 1 of 2"));
        click(By.id("page-next"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 2 of 2"));

        Select status = new Select(browser.findElement(By.id("filter-status")));
        status.selectByValue("ACTIVE");
        waitFor(driver -> Boolean.TRUE.equals(script("return window.failedOnce === true")));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("error-text"), "Loading the sessions"));
        assertThat(status.getFirstSelectedOption().getAttribute("value")).isEmpty();
        assertThat(browser.findElement(By.id("page-info")).getText()).startsWith("Page 2 of 2");
        assertThat(browser.findElements(By.cssSelector("#sessions tbody tr.is-outside-filters"))).isEmpty();

        status.selectByValue("ACTIVE");
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 1 of 1 · 0 sessions"));
        assertThat(browser.findElements(By.cssSelector("#sessions tbody tr"))).isEmpty();
        assertThat(browser.findElement(By.id("error")).isDisplayed()).as("the error of the read that failed, once a "
                                                                         + "read went through").isFalse();
    }

    /**
     * While the sessions of a new filter are read, a pushed session goes by the rows on screen, which were read under
     * the filter before: it is shown, and stays, should the read fail.
     */
    @Test
    void aSessionPushedWhileAFilterIsReadGoesByTheRowsOnScreen() {
        keepSessionsOpenForAnHour();
        beforeThePageLoads("""
                window.fetch = async (input, init) => {
                  const url = String(input);
                  if (url.startsWith('/api/sessions?') && url.includes('status=CLOSED') && !window.heldFilter) {
                    await new Promise((release) => { window.heldFilter = release; });
                    return unavailable();
                  }
                  return fetchNow(input, init);
                };""");
        logIn(tenant + "-streamer");
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        Select status = new Select(browser.findElement(By.id("filter-status")));
        status.selectByValue("CLOSED");
        waitFor(driver -> Boolean.TRUE.equals(script("return typeof window.heldFilter === 'function'")));

        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        By row = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']");
        waitFor(ExpectedConditions.attributeToBe(row, "data-status", "ACTIVE"));
        assertThat(browser.findElement(row).getAttribute("class")).doesNotContain("is-outside-filters");

        script("window.heldFilter()");
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("error-text"), "Loading the sessions"));
        assertThat(status.getFirstSelectedOption().getAttribute("value")).isEmpty();
        assertThat(browser.findElement(row).getAttribute("class")).doesNotContain("is-outside-filters");
    }

    /** A page whose sessions went while it was shown gives way to the last page when the page is read again. */
    @Test
    void aPageThatEmptiedGivesWayToTheLastPage() {
        String oldest = sessionsOnTwoPages();
        logIn(tenant + "-streamer");
        // Once the stream is open, the page reads its sessions only when asked to.
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 1 of 2"));
        click(By.id("page-next"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 2 of 2"));
        assertThat(admin.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sessions/"
                                                                + oldest + "?confirm=" + oldest)).DELETE())
                        .status()).isEqualTo(200);

        // The stream ends, and the page is read again when it is back.
        SmartLifecycle streams = context.getBean("sessionStreams", SmartLifecycle.class);
        streams.stop();
        streams.start();

        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("page-info"), "Page 1 of 1"));
        assertThat(browser.findElements(By.cssSelector("#sessions tbody tr"))).hasSize(20);
        assertThat(browser.findElement(By.id("sessions-empty")).isDisplayed()).isFalse();
    }

    /** @return the oldest of the 21 sessions the tenant now has, one more than a page holds */
    private String sessionsOnTwoPages() {
        String oldest = null;
        for (int i = 1; i <= 21; i++) {
            String sessionId = admin.message(tenant, "m" + i, SELLER, "live").body().get("sessionId").asText();
            assertThat(admin.post("/api/sessions/" + sessionId + "/deactivate", Map.of()).status()).isEqualTo(200);
            oldest = oldest == null ? sessionId : oldest;
        }
        return oldest;
    }

    @Test
    void aStreamerWatchesItsSessionAppearAndCloseWithoutReloading() {
        // Long enough for a busy browser to show the session active before it closes.
        inactivityWindow("PT8S");
        logIn(tenant + "-streamer");
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#stats [data-stat='activeSessions']")));

        String sessionId = admin.message(tenant, "m1", SELLER, "on est en live").body().get("sessionId").asText();
        admin.message(neighbour, "m1", SELLER, "live elsewhere");

        By row = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']");
        waitFor(ExpectedConditions.attributeToBe(row, "data-status", "ACTIVE"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#stats [data-stat='activeSessions'] .value"), "1"));
        screenshot("dashboard-streamer-live");
        waitFor(ExpectedConditions.attributeToBe(row, "data-status", "CLOSED"));
        assertThat(browser.findElements(By.cssSelector("#sessions tbody tr[data-session-id^='" + neighbour + "']")))
                .isEmpty();
        assertThat(browser.findElement(By.id("filter-tenant")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("admin-tools")).isDisplayed()).isFalse();
        assertThat(severeConsoleMessages()).isEmpty();
    }

    @Test
    void whatChangedWhileTheStreamWasBrokenIsShownOnceItIsBack() {
        String shown = admin.message(neighbour, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-admin");
        click(By.cssSelector("#sessions tbody tr[data-session-id='" + shown + "']"));
        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "ACTIVE"));
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));

        // Every stream ends, as when a proxy cuts long requests or the service restarts; the browser opens a new
        // one after a few seconds. In between, the session in the panel closes and the next one opens; nothing
        // changes in either afterwards.
        SmartLifecycle streams = context.getBean("sessionStreams", SmartLifecycle.class);
        streams.stop();
        streams.start();
        assertThat(admin.post("/api/sessions/" + shown + "/deactivate", Map.of()).status()).isEqualTo(200);
        String opened = admin.message(neighbour, "m2", SELLER, "live again").body().get("sessionId").asText();

        waitFor(ExpectedConditions.attributeToBe(
                By.cssSelector("#sessions tbody tr[data-session-id='" + opened + "']"), "data-status", "ACTIVE"));
        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "CLOSED"));
        waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#timeline li[data-type='LiveSessionClosed']")));
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** The dashboard filters what is pushed as the server filters what it lists: a cleanup status covers every status. */
    @Test
    void aSessionDeletedWhileDeletedSessionsAreShownAppearsAmongThem() {
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-streamer");
        By row = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']");
        waitFor(ExpectedConditions.presenceOfElementLocated(row));

        new Select(browser.findElement(By.id("filter-cleanup"))).selectByValue("DELETED");
        waitFor(ExpectedConditions.numberOfElementsToBe(row, 0));
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        assertThat(admin.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sessions/"
                                                                + sessionId + "?confirm=" + sessionId)).DELETE())
                        .status()).isEqualTo(200);

        waitFor(ExpectedConditions.attributeToBe(row, "data-status", "DELETED"));
        assertThat(browser.findElement(row).getAttribute("class")).doesNotContain("is-outside-filters");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** The page follows its stream first, then reads its sessions once: what changed before is in that one read. */
    @Test
    void aPageReadsItsSessionsOnceWhenItOpens() throws InterruptedException {
        // Each list of sessions the page reads is noted: when (milliseconds since the page began), and whether its
        // stream was open by then.
        beforeThePageLoads("""
                window.listsRead = [];
                window.streamOpen = false;
                const EventSourceNow = window.EventSource;
                window.EventSource = class extends EventSourceNow {
                  constructor(url) {
                    super(url);
                    this.addEventListener('open', () => { window.streamOpen = true; });
                  }
                };
                window.fetch = (input, init) => {
                  if (String(input).startsWith('/api/sessions?')) {
                    window.listsRead.push({ at: performance.now(), streamOpen: window.streamOpen });
                  }
                  return fetchNow(input, init);
                };""");
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-streamer");

        waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']")));
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        // Past the moment the page would load without its stream, had the stream been slow to open.
        Thread.sleep(2_500);
        assertThat(script("return window.listsRead.filter((read) => read.streamOpen).length"))
                .as("lists read once the stream was open").isEqualTo(1L);
        // A read without the stream is the page not waiting any longer for a stream slow to open (2 s), never sooner.
        assertThat(script("return window.listsRead.filter((read) => !read.streamOpen && read.at < 2000).length"))
                .as("lists read before the stream opened, within its first 2 s").isEqualTo(0L);
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /**
     * A session pushed while the page loads, and missing from what it read, makes the page read again; one pushed
     * while that second read loads, and missing from it too, is shown as pushed rather than dropped.
     */
    @Test
    void aSessionPushedWhileThePageIsReadAgainIsShown() {
        keepSessionsOpenForAnHour();
        // Each list of sessions is read by the service at once, but reaches the page only when the test lets it; the
        // ids of the sessions pushed to the page are noted as they arrive.
        beforeThePageLoads("""
                window.sessionListsRead = 0;
                window.pushed = [];
                const EventSourceNow = window.EventSource;
                window.EventSource = class extends EventSourceNow {
                  constructor(url) {
                    super(url);
                    this.addEventListener('sessions', (event) => window.pushed.push(
                        ...JSON.parse(event.data).map((session) => session.sessionId)));
                  }
                };
                window.fetch = async (input, init) => {
                  if (!String(input).startsWith('/api/sessions?')) {
                    return fetchNow(input, init);
                  }
                  const read = ++window.sessionListsRead;
                  const answer = await fetchNow(input, init);
                  await new Promise((release) => { window.held = { read, release }; });
                  return answer;
                };""");
        logIn(tenant + "-admin");
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        long firstRead = theLatestListIsHeld(0);

        String first = admin.message(neighbour, "m1", SELLER, "live").body().get("sessionId").asText();
        waitFor(driver -> Boolean.TRUE.equals(script("return window.pushed.includes('" + first + "')")));
        script("window.held.release()");
        theLatestListIsHeld(firstRead); // The page reads its sessions again: one it did not show was pushed.
        String second = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        waitFor(driver -> Boolean.TRUE.equals(script("return window.pushed.includes('" + second + "')")));
        script("window.held.release()");

        waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#sessions tbody tr[data-session-id='" + first + "']")));
        waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#sessions tbody tr[data-session-id='" + second + "']")));
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** Statistics read before a change can reach the page after the change's were pushed: the pushed ones stay. */
    @Test
    void statisticsReadBeforeAPushedChangeDoNotReplaceIt() {
        aPushedChangeOvertakesTheStatisticsRead("answer");

        assertThat(afterTheHeldStatisticsReachThePage("#stats [data-stat='activeSessions'] .value")).isEqualTo("1");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** Statistics that fail to load after a pushed change replaced them report no error: the page is up to date. */
    @Test
    void statisticsThatFailAfterAPushedChangeReportNothing() {
        aPushedChangeOvertakesTheStatisticsRead("unavailable()");

        assertThat(afterTheHeldStatisticsReachThePage("#error")).as("the error shown").isEmpty();
        assertThat(text("#stats [data-stat='activeSessions'] .value")).isEqualTo("1");
    }

    /**
     * A streamer's page whose statistics are read by the service at once but reach the page only when the test lets
     * them, answered with {@code answer} (the service's {@code answer}, or {@code unavailable()}); a session then
     * opens, and its change is pushed to the page while every read asked for so far is held.
     */
    private void aPushedChangeOvertakesTheStatisticsRead(String answer) {
        keepSessionsOpenForAnHour();
        beforeThePageLoads("""
                window.statsAsked = 0;
                window.statsHeld = [];
                window.fetch = async (input, init) => {
                  if (!String(input).startsWith('/api/stats/')) {
                    return fetchNow(input, init);
                  }
                  window.statsAsked++;
                  const answer = await fetchNow(input, init);
                  await new Promise((release) => window.statsHeld.push(release));
                  return %s;
                };""".formatted(answer));
        logIn(tenant + "-streamer");
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        // Every read asked for so far, the one the open stream asked for included, was answered before the change.
        waitFor(driver -> Boolean.TRUE.equals(script("return window.statsHeld.length === window.statsAsked")));

        admin.message(tenant, "m1", SELLER, "live");
        waitFor(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#stats [data-stat='activeSessions'] .value"), "1"));
    }

    /**
     * Lets the statistics held so far reach the page (see the tests that hold them) and returns the text of {@code
     * selector} a second later, once the page has taken them in.
     */
    private String afterTheHeldStatisticsReachThePage(String selector) {
        return (String) script("""
                window.statsHeld.splice(0).forEach((release) => release());
                return new Promise((done) => setTimeout(
                    () => done(document.querySelector("%s").hidden ? '' : document.querySelector("%s").textContent),
                    1000));""".formatted(selector, selector));
    }

    /**
     * A list of sessions read before a change can reach the page after the change was pushed: the session must stay
     * as the change left it, not go back to what the list says.
     */
    @Test
    void aListReadBeforeAPushedChangeDoesNotPutTheSessionBack() {
        keepSessionsOpenForAnHour();
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-streamer");
        By row = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']");
        waitFor(ExpectedConditions.attributeToBe(row, "data-status", "ACTIVE"));
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));

        // The next list is read by the service at once, but reaches the page only when the test lets it.
        script("""
                const fetchNow = window.fetch;
                window.fetch = async (input, init) => {
                  const response = await fetchNow(input, init);
                  if (String(input).startsWith('/api/sessions?')) {
                    window.fetch = fetchNow;
                    await new Promise((release) => { window.releaseList = release; });
                  }
                  return response;
                };""");
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("ACTIVE");
        waitFor(driver -> script("return typeof window.releaseList === 'function'"));
        assertThat(admin.post("/api/sessions/" + sessionId + "/deactivate", Map.of()).status()).isEqualTo(200);
        waitFor(ExpectedConditions.attributeToBe(row, "data-status", "CLOSED"));

        script("window.releaseList()");
        waitFor(ExpectedConditions.attributeToBe(By.id("sessions"), "aria-busy", "false"));
        assertThat(browser.findElement(row).getAttribute("data-status")).isEqualTo("CLOSED");
        assertThat(browser.findElement(row).getAttribute("class")).contains("is-outside-filters");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    @Test
    void theTimelineOfTheSessionShownGrowsAsItsMessagesArrive() {
        String sessionId = theStreamerShowsAnOpenSession();
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline-count"), "2 events"));

        for (int i = 1; i <= 3; i++) {
            admin.message(tenant, "c" + i, "+33622222222", "A" + i);
        }

        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline-count"), "5 events"));
        // Read in one go: the timeline may be drawn again meanwhile (a push that arrives late), and the items read
        // one by one would be gone.
        assertThat(script("return [...document.querySelectorAll('#timeline li')].map(item => item.dataset.type)"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactly("LiveSessionCreated", "ActivityRecorded", "ActivityRecorded", "ActivityRecorded",
                                 "ActivityRecorded");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** A session that could not be read when clicked (a moment's outage) is shown once it changes. */
    @Test
    void aSessionThatCouldNotBeOpenedIsShownOnceItChanges() {
        keepSessionsOpenForAnHour();
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-streamer");
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        // The session's first read fails (session ids need no escaping in a URL).
        script("""
                const fetchNow = window.fetch;
                window.fetch = (input, init) => {
                  if (String(input) === '/api/sessions/%s') {
                    window.fetch = fetchNow;
                    return Promise.resolve(new Response('{"title":"Service Unavailable"}',
                        { status: 503, headers: { 'Content-Type': 'application/problem+json' } }));
                  }
                  return fetchNow(input, init);
                };""".formatted(sessionId));
        click(By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-fields"), "could not be loaded"));

        admin.message(tenant, "c1", "+33622222222", "A1");

        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "ACTIVE"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline-count"), "3 events"));
    }

    /** The live stream follows the tenant filter: a session of a tenant the filter leaves out would go stale. */
    @Test
    void theDetailOfASessionClosesWhenTheTenantFilterLeavesItsTenantOut() {
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-admin");
        click(By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']"));
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("session-detail")));

        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#filter-tenant option[value='" + tenant
                                                                           + "']")));
        new Select(browser.findElement(By.id("filter-tenant"))).selectByValue(tenant);
        assertThat(browser.findElement(By.id("session-detail")).isDisplayed()).isTrue();
        new Select(browser.findElement(By.id("filter-tenant"))).selectByValue(neighbour);

        waitFor(ExpectedConditions.invisibilityOfElementLocated(By.id("session-detail")));
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** A hot live's session has too many events to read whenever its panel opens: the latest come, the rest on ask. */
    @Test
    void theTimelineReadsTheLatestEventsAndTheWholeStreamOnlyWhenAskedFor() {
        keepSessionsOpenForAnHour();
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        for (int i = 1; i <= 229; i++) {
            admin.message(tenant, "c" + i, "+33622222222", "A" + i);
        }
        logIn(tenant + "-streamer");
        By row = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']");
        waitFor(ExpectedConditions.textToBePresentInElementLocated(row, "229"));
        click(row);

        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline-count"),
                                                                   "231 events, the latest 200 shown"));
        assertThat(browser.findElements(By.cssSelector("#timeline li"))).hasSize(200);
        assertThat(browser.findElement(By.id("timeline")).getAttribute("start")).isEqualTo("32");
        assertThat(eventReads()).isNotEmpty().allMatch(read -> read.matches(".*[?]afterSequence=\\d+"));

        click(By.id("timeline-more"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline-count"), "231 events"));
        assertThat(browser.findElements(By.cssSelector("#timeline li"))).hasSize(231);
        assertThat(browser.findElement(By.id("timeline-more")).isDisplayed()).isFalse();
        assertThat(eventReads()).anyMatch(read -> read.endsWith("afterSequence=-1"));

        script("document.querySelector('#timeline li').dataset.drawn = 'before'");

        admin.message(tenant, "c230", "+33622222222", "A230");
        waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#timeline li"), 232));
        // The new event is added after the others, which are not drawn again.
        assertThat(script("return document.querySelector('#timeline li').dataset.drawn")).isEqualTo("before");
        assertThat(script("return document.querySelector('#timeline li:last-child').dataset.type"))
                .isEqualTo("ActivityRecorded");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /** The reads of a session's events the page made, as their URLs. */
    @SuppressWarnings("unchecked")
    private List<String> eventReads() {
        return ((List<Object>) script("return performance.getEntriesByType('resource').map(entry => entry.name)"))
                .stream().map(String::valueOf).filter(url -> url.contains("/events")).toList();
    }

    @Test
    void aStreamerDeletesOnlyAfterTypingTheSessionIdAndCanRestoreIt() {
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-streamer");
        By row = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']");
        click(row);
        click(By.cssSelector("#session-detail [data-action='delete']"));

        WebElement confirm = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-delete-button")));
        assertThat(confirm.isEnabled()).isFalse();
        browser.findElement(By.id("confirm-delete-input")).sendKeys(sessionId.substring(0, 3));
        assertThat(confirm.isEnabled()).isFalse();
        browser.findElement(By.id("confirm-delete-input")).sendKeys(sessionId.substring(3));
        assertThat(confirm.isEnabled()).isTrue();
        screenshot("dashboard-confirm-delete");
        confirm.click();

        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "DELETED"));
        assertThat(admin.get("/api/sessions/" + sessionId).body().get("status").asText()).isEqualTo("DELETED");
        click(By.cssSelector("#session-detail [data-action='restore']"));
        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "CLOSED"));
        assertThat(admin.get("/api/sessions/" + sessionId).body().get("status").asText()).isEqualTo("CLOSED");
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type='SessionRestored']")));
        assertThat(severeConsoleMessages()).isEmpty();
    }

    /**
     * A deactivate that was done is reported done, though the read of the session that follows it fails: the error
     * names that read, not the deactivate.
     */
    @Test
    void aDeactivateIsReportedDoneWhenOnlyTheSessionsReadAfterItFails() {
        beforeThePageLoads("""
                window.fetch = async (input, init) => {
                  const url = String(input);
                  if (window.deactivated && !window.failedOnce && url.startsWith('/api/sessions/')) {
                    window.failedOnce = true;
                    return unavailable();
                  }
                  const answer = await fetchNow(input, init);
                  window.deactivated = window.deactivated || url.endsWith('/deactivate');
                  return answer;
                };""");
        String sessionId = theStreamerShowsAnOpenSession();
        click(By.cssSelector("#session-detail [data-action='deactivate']"));

        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("error-text"), "Reading " + sessionId));
        assertThat(text("#error-text")).doesNotContain("Deactivate");
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), sessionId + " is closed"));
        // The live stream brings the change the failed read did not.
        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "CLOSED"));
    }

    /**
     * Once deactivated, a session offers no deactivate: the focus goes to the panel's title, not to the next button,
     * where a second Enter would turn auto-cleanup off.
     */
    @Test
    void afterADeactivateTheFocusIsOnThePanelNotOnAnotherAction() {
        theStreamerShowsAnOpenSession();
        click(By.cssSelector("#session-detail [data-action='deactivate']"));

        waitFor(ExpectedConditions.attributeToBe(By.id("session-detail"), "data-status", "CLOSED"));
        waitFor(ExpectedConditions.attributeToBe(By.id("detail-actions"), "aria-busy", "false"));
        assertThat(script("return document.activeElement.id")).isEqualTo("detail-title");
    }

    /** A log out that failed leaves the page logged in, and following its sessions as before. */
    @Test
    void aLogOutThatFailedLeavesThePageFollowingTheSessions() {
        beforeThePageLoads("""
                window.fetch = async (input, init) => {
                  if (String(input) === '/logout' && !window.failedOnce) {
                    window.failedOnce = true;
                    return unavailable();
                  }
                  return fetchNow(input, init);
                };""");
        logIn(tenant + "-streamer");
        thePageHasReadItsSessions();
        click(By.id("logout"));
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("error-text"), "Logging out"));

        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();

        waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']")));
    }

    /** A relative time is rounded before its unit is chosen: 59 min 50 s ago reads as an hour ago, not "60 min". */
    @Test
    void aRelativeTimeIsRoundedBeforeItsUnitIsChosen() {
        browser.get(url("/login.html"));
        Object shown = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/assets/format.js').then((format) => {
                  const now = Date.parse('2026-12-07T12:00:00Z');
                  const at = (seconds) => format.formatRelative(new Date(now + seconds * 1000).toISOString(), now);
                  done([at(-3590), at(-3600), at(23.6 * 3600), at(86400)]);
                });""");

        assertThat(shown).asInstanceOf(InstanceOfAssertFactories.LIST).satisfies(times -> {
            assertThat(times.get(0)).isEqualTo(times.get(1));
            assertThat(times.get(2)).isEqualTo(times.get(3));
        });
    }

    /**
     * A session still active well past the time it closes if quiet (here the page is told it was due a minute ago)
     * is marked overdue: the service is behind closing it. One due in a minute is not.
     */
    @Test
    void anActiveSessionWellPastItsClosingTimeIsMarkedOverdue() {
        keepSessionsOpenForAnHour();
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        beforeThePageLoads("""
                window.fetch = async (input, init) => {
                  const answer = await fetchNow(input, init);
                  if (!String(input).startsWith('/api/sessions?') || !answer.ok) {
                    return answer;
                  }
                  const page = await answer.json();
                  page.sessions.forEach((session) => {
                    session.expiresAt = new Date(Date.now() - 60000).toISOString();
                  });
                  return new Response(JSON.stringify(page), { status: answer.status, headers: answer.headers });
                };""");
        logIn(tenant + "-streamer");

        By closes = By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "'] [data-due-at]");
        waitFor(ExpectedConditions.presenceOfElementLocated(closes));
        assertThat(browser.findElement(closes).getAttribute("class")).contains("is-overdue");
        assertThat(browser.findElement(closes).getText()).contains("closure overdue");
        Object dueInAMinute = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/assets/format.js').then((format) => {
                  const time = format.closingTimeElement(new Date(Date.now() + 60000).toISOString());
                  done([time.classList.contains('is-overdue'), time.querySelector('.overdue').hidden]);
                });""");
        assertThat(dueInAMinute).isEqualTo(List.of(false, true));
    }

    @Test
    void aViewerSeesItsTenantsSessionsAndTimelineButNoControls() {
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-viewer");

        click(By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']"));
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline li[data-type='ActivityRecorded']")));

        assertThat(browser.findElements(By.cssSelector("#session-detail [data-action]")))
                .allSatisfy(action -> assertThat(action.isDisplayed()).isFalse());
        assertThat(browser.findElement(By.id("admin-tools")).isDisplayed()).isFalse();
        assertThat(text("#whoami")).contains("Viewer");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    @Test
    void onAPhoneTheDashboardStillShowsTheSessions() {
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        browser.manage().window().setSize(new Dimension(390, 844));
        logIn(tenant + "-streamer");

        WebElement row = waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']")));
        assertThat(row.isDisplayed()).isTrue();
        screenshot("dashboard-phone");
        assertThat(severeConsoleMessages()).isEmpty();
    }

    @Test
    void aWrongPasswordKeepsYouOutAndSaysSo() {
        browser.get(url("/"));
        waitFor(ExpectedConditions.urlContains("/login.html"));
        browser.findElement(By.id("username")).sendKeys(tenant + "-streamer");
        browser.findElement(By.id("password")).sendKeys("not-the-password");
        browser.findElement(By.id("login-button")).click();

        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(browser.getCurrentUrl()).contains("/login.html?error");
        screenshot("login-error");
    }

    /** A window long enough that the tenant's session stays open while the test watches it. */
    private void keepSessionsOpenForAnHour() {
        inactivityWindow("PT1H");
    }

    /** @return the session the streamer, logged in, has open in the panel: its tenant's, open for an hour */
    private String theStreamerShowsAnOpenSession() {
        keepSessionsOpenForAnHour();
        String sessionId = admin.message(tenant, "m1", SELLER, "live").body().get("sessionId").asText();
        logIn(tenant + "-streamer");
        click(By.cssSelector("#sessions tbody tr[data-session-id='" + sessionId + "']"));
        return sessionId;
    }

    /**
     * Waits until the list of sessions the page asked for last, after the one numbered {@code after}, is held (see
     * the test that holds them) and returns its number.
     */
    private long theLatestListIsHeld(long after) {
        waitFor(driver -> Boolean.TRUE.equals(script("return window.held !== undefined && window.held.read > "
                                                     + after + " && window.held.read === window.sessionListsRead")));
        return (Long) script("return window.held.read");
    }

    private void inactivityWindow(String window) {
        assertThat(admin.put("/api/tenants/" + tenant, Map.of("name", tenant, "sellerPhones", List.of(SELLER),
                                                              "inactivityWindow", window)).status()).isEqualTo(200);
    }

    /**
     * Runs {@code script} in every page the browser opens next, before the page's own scripts: it may replace
     * {@code window.fetch}, with the page's own as {@code fetchNow}, and answer {@code unavailable()}, the 503 the
     * service gives while its database is unreachable.
     */
    private void beforeThePageLoads(String script) {
        ((ChromeDriver) browser).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                const fetchNow = window.fetch;
                const unavailable = () => new Response(
                    JSON.stringify({ title: 'Service Unavailable', status: 503,
                                     detail: 'The database is unreachable (test).' }),
                    { status: 503, headers: { 'Content-Type': 'application/problem+json' } });
                """ + script));
    }

    private Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void logIn(String username) {
        browser.get(url("/login.html"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-button")).click();
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), username));
    }

    private void user(String username, String role, String tenantId) {
        Http.Response created = admin.post("/api/users", tenantId == null
                ? Map.of("username", username, "password", PASSWORD, "role", role)
                : Map.of("username", username, "password", PASSWORD, "role", role, "tenantId", tenantId));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private <T> T waitFor(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return new WebDriverWait(browser, LIVE).until(condition);
    }

    /**
     * Clicks what the selector finds once it is clickable. The dashboard renders a session again at each pushed
     * update, so an element found a moment before may have been replaced: it is then found again.
     */
    private void click(By selector) {
        new WebDriverWait(browser, LIVE).ignoring(StaleElementReferenceException.class).until(driver -> {
            WebElement element = ExpectedConditions.elementToBeClickable(selector).apply(driver);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /**
     * Waits until the page has read its sessions once its stream is open: until then, the rows it fills in move what
     * is below them (the admin tools), and a click where a button was is lost.
     */
    private void thePageHasReadItsSessions() {
        waitFor(ExpectedConditions.attributeToBe(By.id("live-indicator"), "data-state", "live"));
        waitFor(ExpectedConditions.attributeToBe(By.id("sessions"), "aria-busy", "false"));
    }

    /** Clicks the button that opens a dialog until the dialog is open: rows pushed meanwhile may move the button. */
    private void clickUntilOpen(By button, String dialogId) {
        String isOpen = "return document.getElementById('" + dialogId + "').open";
        new WebDriverWait(browser, LIVE).ignoring(StaleElementReferenceException.class).until(driver -> {
            if (!Boolean.TRUE.equals(script(isOpen))) {
                WebElement element = ExpectedConditions.elementToBeClickable(button).apply(driver);
                if (element != null) {
                    element.click();
                }
            }
            return Boolean.TRUE.equals(script(isOpen));
        });
    }

    private String text(String selector) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(selector))).getText();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private List<String> severeConsoleMessages() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                      .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                      .map(LogEntry::getMessage)
                      .toList();
    }

    private void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("Could not save the screenshot " + name, e);
        }
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root, Chromium needs --no-sandbox; the others keep it from calling out to a network it cannot reach.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--no-first-run", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
