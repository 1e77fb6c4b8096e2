package dev.llmgateway.layering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape DESIGN.md ("Layering") asks for, checked on the compiled classes: {@code cli} →
 * {@code Gateway} → verticle areas → shared contracts ({@code api}, {@code model}, {@code bus}) →
 * {@code config} and {@code metrics}. No package cycle anywhere, and a verticle area never imports
 * another: they meet on the event bus.
 */
class LayeringTest {

  private static final String ROOT = "dev.llmgateway";
  /** The verticle areas (and the page, mounted like one). */
  private static final List<String> AREAS = List.of("routing", "admin", "ollama", "process", "configfile",
      "web", "cluster");
  private static final List<String> CONTRACTS = List.of("api", "model", "bus");
  private static final List<String> BASE = List.of("config", "metrics");

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void thereIsNoPackageCycle() {
    cycleFree(ROOT).check(main);
  }

  @Test
  void verticleAreasNeverImportEachOther() {
    for (String area : AREAS) {
      String[] others = AREAS.stream().filter(a -> !a.equals(area)).map(LayeringTest::pkg).toArray(String[]::new);
      noClasses().that().resideInAPackage(pkg(area)).should().dependOnClassesThat().resideInAnyPackage(others)
          .because("verticle areas meet on the event bus (dev.llmgateway.bus), not through each other's classes")
          .check(main);
    }
  }

  @Test
  void sharedContractsDependOnlyDownward() {
    String[] above = Stream.concat(Stream.of("cli"), AREAS.stream()).map(LayeringTest::pkg).toArray(String[]::new);
    String[] contracts = CONTRACTS.stream().map(LayeringTest::pkg).toArray(String[]::new);
    noClasses().that().resideInAnyPackage(contracts).should().dependOnClassesThat().resideInAnyPackage(above)
        .orShould().dependOnClassesThat().resideInAPackage(ROOT)
        .check(main);
    String[] base = BASE.stream().map(LayeringTest::pkg).toArray(String[]::new);
    List<String> notBase = new ArrayList<>(List.of(above));
    notBase.addAll(List.of(contracts));
    noClasses().that().resideInAnyPackage(base).should().dependOnClassesThat()
        .resideInAnyPackage(notBase.toArray(String[]::new))
        .orShould().dependOnClassesThat().resideInAPackage(ROOT)
        .check(main);
  }

  @Test
  void everyMainPackageIsPlacedInALayer() {
    List<String> known = new ArrayList<>(List.of(ROOT, pkg("cli")));
    Stream.of(AREAS, CONTRACTS, BASE).flatMap(List::stream).forEach(p -> known.add(pkg(p)));
    List<String> unplaced = main.stream().map(c -> c.getPackageName()).distinct()
        .filter(p -> !known.contains(p)).toList();
    assertTrue(unplaced.isEmpty(), "packages no layering rule covers (add them to LayeringTest): " + unplaced);
  }

  /** The check itself works: a deliberate cycle in the test fixtures fails it. */
  @Test
  void aPackageCycleFailsTheCheck() {
    JavaClasses fixture = new ClassFileImporter().importPackages(ROOT + ".layering.fixture");
    assertFalse(fixture.isEmpty());
    AssertionError failure = assertThrows(AssertionError.class, () -> cycleFree(ROOT + ".layering.fixture")
        .check(fixture));
    assertTrue(failure.getMessage().contains("Cycle detected"), failure.getMessage());
  }

  private static ArchRule cycleFree(String root) {
    return slices().matching(root + ".(**)").should().beFreeOfCycles();
  }

  private static String pkg(String name) {
    return ROOT + "." + name;
  }
}
