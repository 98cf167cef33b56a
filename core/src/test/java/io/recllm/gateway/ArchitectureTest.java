package io.recllm.gateway;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the gateway's main classes, from the bottom:
 *
 * <ul>
 *   <li>{@code core}, {@code json}, {@code error}: the foundation every package may use; they use no
 *       gateway package, not even each other.
 *   <li>{@code pricing}: the foundation only. {@code config}: {@code pricing} and the foundation; it
 *       reads a provider type's own settings through its {@code ProviderSettingsType}, never provider code.
 *   <li>{@code provider} (the {@code LlmClient} SPI, provider types, adapters): config, pricing and the
 *       foundation. It knows nothing of who calls it: not http, call, telemetry, usage, secrets or routing.
 *   <li>{@code usage}: config, pricing, foundation. {@code routing}: foundation.
 *   <li>{@code call} (the pipeline: Call, CallStep, CallChain, CallOutcome) over provider and usage;
 *       the step packages over call: {@code telemetry} (its provider-stage step and the call listener)
 *       {@code resilience} (routing, retry, circuit breakers), {@code pii}, {@code cache},
 *       {@code transform} (each owns its config section), {@code keys} (virtual keys, the auth step) and
 *       {@code limits} (rates and budgets, over keys); {@code secrets} wraps the provider SPI
 *       from outside.
 *   <li>{@code http} (with {@code dashboard}) over call, and only the root package and {@code cli} use http.
 * </ul>
 *
 * A new package gets a layer here: {@link #everyPackageHasALayer} fails until it has one.
 */
class ArchitectureTest {

  private static final String GW = "io.recllm.gateway";

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(GW);

  /** Package name patterns of each layer; {@link #layers} uses them, and every main class is in one. */
  private static final List<String> ENTRY = List.of(GW, GW + ".cli..");
  private static final String HTTP = GW + ".http..";
  private static final String DASHBOARD = GW + ".dashboard..";
  private static final String CALL = GW + ".call..";
  private static final String TELEMETRY = GW + ".telemetry..";
  private static final String RESILIENCE = GW + ".resilience..";
  private static final String PII = GW + ".pii..";
  private static final String CACHE = GW + ".cache..";
  private static final String TRANSFORM = GW + ".transform..";
  private static final String KEYS = GW + ".keys..";
  private static final String LIMITS = GW + ".limits..";
  private static final String SECRETS = GW + ".secrets..";
  private static final String ROUTING = GW + ".routing..";
  private static final String USAGE = GW + ".usage..";
  private static final String PROVIDER = GW + ".provider..";
  private static final String CONFIG = GW + ".config..";
  private static final String PRICING = GW + ".pricing..";
  private static final String CORE = GW + ".core..";
  private static final String JSON = GW + ".json..";
  private static final String ERROR = GW + ".error..";

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(GW + ".(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theFoundationUsesNoOtherGatewayPackage() {
    onlyUses(CORE).check(MAIN);
    onlyUses(JSON).check(MAIN);
    onlyUses(ERROR).check(MAIN);
  }

  @Test
  void pricingUsesOnlyTheFoundation() {
    onlyUses(PRICING, CORE, JSON, ERROR).check(MAIN);
  }

  @Test
  void configUsesOnlyPricingAndTheFoundation() {
    onlyUses(CONFIG, PRICING, CORE, JSON, ERROR).check(MAIN);
  }

  @Test
  void providersKnowNothingOfTheirCallers() {
    noClasses().that().resideInAPackage(PROVIDER)
        .should().dependOnClassesThat().resideInAnyPackage(HTTP, CALL, TELEMETRY, USAGE, SECRETS, ROUTING)
        .because("the provider SPI is called by the pipeline and wrapped by telemetry and secrets, never the reverse")
        .check(MAIN);
  }

  @Test
  void onlyTheRootPackageAndTheCliUseHttp() {
    noClasses().that().resideOutsideOfPackages(HTTP, GW, GW + ".cli..")
        .should().dependOnClassesThat().resideInAPackage(HTTP)
        .because("http is the outermost layer; everything below it serves the handlers")
        .check(MAIN);
  }

  @Test
  void layers() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Entry").definedBy(ENTRY.toArray(String[]::new))
        .layer("Http").definedBy(HTTP)
        .layer("Dashboard").definedBy(DASHBOARD)
        .layer("Steps").definedBy(TELEMETRY, RESILIENCE, PII, CACHE, TRANSFORM, KEYS, LIMITS)
        .layer("Call").definedBy(CALL)
        .layer("Secrets").definedBy(SECRETS)
        .layer("Routing").definedBy(ROUTING)
        .layer("Usage").definedBy(USAGE)
        .layer("Provider").definedBy(PROVIDER)
        .layer("Config").definedBy(CONFIG)
        .layer("Pricing").definedBy(PRICING)
        .layer("Foundation").definedBy(CORE, JSON, ERROR)
        .whereLayer("Entry").mayNotBeAccessedByAnyLayer()
        .whereLayer("Http").mayOnlyBeAccessedByLayers("Entry")
        .whereLayer("Dashboard").mayOnlyBeAccessedByLayers("Http", "Entry")
        .whereLayer("Steps").mayOnlyBeAccessedByLayers("Http", "Entry")
        .whereLayer("Call").mayOnlyBeAccessedByLayers("Steps", "Http", "Entry")
        .whereLayer("Secrets").mayOnlyBeAccessedByLayers("Entry")
        .whereLayer("Routing").mayOnlyBeAccessedByLayers("Http", "Entry")
        .whereLayer("Usage").mayOnlyBeAccessedByLayers("Call", "Steps", "Http", "Entry")
        .whereLayer("Provider").mayOnlyBeAccessedByLayers("Call", "Steps", "Secrets", "Http", "Entry")
        .whereLayer("Config").mayOnlyBeAccessedByLayers(
            "Provider", "Usage", "Routing", "Secrets", "Steps", "Call", "Dashboard", "Http", "Entry")
        .whereLayer("Pricing").mayOnlyBeAccessedByLayers(
            "Config", "Provider", "Usage", "Routing", "Secrets", "Steps", "Call", "Dashboard", "Http", "Entry")
        .check(MAIN);
  }

  /** The layered rule ignores classes outside its layers, so a package without a layer would go unchecked. */
  @Test
  void everyPackageHasALayer() {
    List<String> all = List.of(HTTP, DASHBOARD, CALL, TELEMETRY, RESILIENCE, PII, CACHE, TRANSFORM, KEYS, LIMITS, SECRETS, ROUTING, USAGE, PROVIDER, CONFIG,
        PRICING, CORE, JSON, ERROR);
    Set<String> unplaced = new TreeSet<>();
    for (JavaClass c : MAIN) {
      if (!c.getPackageName().equals(GW) && !resideInAnyPackage(GW + ".cli..").test(c)
          && !resideInAnyPackage(all.toArray(String[]::new)).test(c)) {
        unplaced.add(c.getPackageName());
      }
    }
    assertThat(unplaced).as("packages without a layer in ArchitectureTest").isEmpty();
    assertThat(MAIN.contain(RecLlmGateway.class)).as("the main classes were imported").isTrue();
  }

  /** Classes in {@code pkg} use no gateway class outside {@code pkg} and {@code allowed}. */
  private static ArchRule onlyUses(String pkg, String... allowed) {
    String[] mayUse = new String[allowed.length + 1];
    mayUse[0] = pkg;
    System.arraycopy(allowed, 0, mayUse, 1, allowed.length);
    return classes().that().resideInAPackage(pkg)
        .should().onlyDependOnClassesThat(resideOutsideOfPackage(GW + "..").or(resideInAnyPackage(mayUse)))
        .because(pkg + " sits below the rest of the gateway and may use only " + String.join(", ", mayUse));
  }
}
