package dev.llmgateway.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (Selenium). Both paths are given
 * to Selenium, so its Selenium Manager never runs and nothing is downloaded; the flags keep Chromium
 * from reaching out to the network (which is closed here, and would make it hang), and each browser
 * gets a fresh profile.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  public static final String CHROMEDRIVER = System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Skips the calling tests when Chromium or chromedriver is missing, saying why, outside CI; with
   * {@code CI} set they must run, so a missing browser fails them.
   */
  public static void assumeInstalled() {
    List<String> missing = missing();
    if (missing.isEmpty()) {
      return;
    }
    String reason = "browser tests need Debian's chromium and chromium-driver (missing: "
        + String.join(", ", missing) + "); install them with: apt-get install chromium chromium-driver";
    String ci = System.getenv("CI");
    if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
      fail("CI is set, so the browser tests must run, but " + reason);
    }
    System.out.println("SKIPPED: " + reason);
    Assumptions.abort(reason);
  }

  public static boolean installed() {
    return missing().isEmpty();
  }

  private static List<String> missing() {
    return List.of(CHROMIUM, CHROMEDRIVER).stream().filter(p -> !Files.isExecutable(Path.of(p))).toList();
  }

  /** Starts a browser with a fresh profile under {@code profileDir} and the given window size. */
  public static Browser start(Path profileDir, Path driverLog, int width, int height) throws IOException {
    // Selenium reports through java.util.logging; its warnings (e.g. about CDP versions) are noise here.
    Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
    Files.createDirectories(profileDir);
    Files.createDirectories(driverLog.getParent());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .withLogFile(driverLog.toFile())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-quic",
        "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter",
        "--user-data-dir=" + profileDir.toAbsolutePath(), "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new Browser(new ChromeDriver(service, options));
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Waits (up to 15 s) until the condition gives a non-null, non-false value, and returns it. */
  public <T> T await(String what, Function<WebDriver, T> condition) {
    try {
      // An element the page redrew between finding it and reading it: read again (the views redraw
      // rows as states change; seen failing a CI run once).
      return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).withMessage(what)
          .ignoring(StaleElementReferenceException.class).until(condition);
    } catch (RuntimeException e) {
      throw new AssertionError(what + " — not within " + WAIT.toSeconds() + " s. Browser console:\n"
          + console() + "\nPage text:\n" + text("body"), e);
    }
  }

  /** The visible text of the first element matching a CSS selector ("" when there is none). */
  public String text(String css) {
    for (int attempt = 0; ; attempt++) {
      try {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
      } catch (StaleElementReferenceException redrawn) {
        if (attempt == 5) {
          throw redrawn;
        }
      }
    }
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Clicks the element once it is there and enabled (the page may redraw it meanwhile). */
  public void click(String css) {
    await("click on " + css, d -> {
      try {
        WebElement e = d.findElement(By.cssSelector(css));
        if (!e.isDisplayed() || !e.isEnabled()) {
          return false;
        }
        e.click();
        return true;
      } catch (NoSuchElementException | StaleElementReferenceException redrawn) {
        return false;
      }
    });
  }

  public boolean visible(String css) {
    try {
      List<WebElement> found = driver.findElements(By.cssSelector(css));
      return !found.isEmpty() && found.get(0).isDisplayed();
    } catch (StaleElementReferenceException redrawn) {
      return visible(css);
    }
  }

  @SuppressWarnings("unchecked")
  public <T> T script(String js, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** What the page wrote to the console since the last call (errors included). */
  public String console() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(e -> e.getLevel() + " " + e.getMessage()).collect(Collectors.joining("\n"));
    } catch (RuntimeException e) {
      return "(console not available: " + e.getMessage() + ")";
    }
  }

  /** A PNG of the whole page at the current width: the window is made as tall as the page first. */
  public void screenshot(Path file) throws IOException {
    Dimension before = driver.manage().window().getSize();
    long height = ((Number) script("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
    long chrome = ((Number) script("return window.outerHeight - window.innerHeight")).longValue();
    size(before.getWidth(), (int) Math.min(6000, height + chrome));
    Files.createDirectories(file.getParent());
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    size(before.getWidth(), before.getHeight());
  }

  /** Local storage, session storage and cookies of the current page's site, so the next test starts clean. */
  public void forgetSite() {
    script("sessionStorage.clear(); localStorage.clear();");
    driver.manage().deleteAllCookies();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
