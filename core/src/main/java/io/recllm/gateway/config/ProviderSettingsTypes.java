package io.recllm.gateway.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider types registered with {@link ServiceLoader} under {@link ProviderSettingsType}, by name:
 * the built-in ones and any an application's jar adds. Looked up once; the provider layer builds its
 * registry from these same instances, so a type is registered in one place only.
 */
public final class ProviderSettingsTypes {

  private final Map<String, ProviderSettingsType<?>> byName;

  private ProviderSettingsTypes(Map<String, ProviderSettingsType<?>> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** The registered types (found with the gateway's class loader and the thread's context one). */
  public static ProviderSettingsTypes installed() {
    return Installed.TYPES;
  }

  public Optional<ProviderSettingsType<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Names in alphabetical order. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Every registered type, in name order. */
  public Collection<ProviderSettingsType<?>> all() {
    return byName.values();
  }

  /** Names of the types that need no {@code base_url} ({@link ProviderSettingsType#defaultBaseUrl()}), in order. */
  public List<String> presets() {
    return byName.values().stream().filter(t -> t.defaultBaseUrl() != null).map(ProviderSettingsType::name).toList();
  }

  private static final class Installed {
    static final ProviderSettingsTypes TYPES = load();

    @SuppressWarnings("rawtypes")
    private static ProviderSettingsTypes load() {
      Set<ClassLoader> loaders = new LinkedHashSet<>();
      loaders.add(ProviderSettingsType.class.getClassLoader());
      // an application server or plugin host may load the application's jar below the gateway's loader
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) loaders.add(context);
      Map<String, ProviderSettingsType<?>> byName = new TreeMap<>();
      for (ClassLoader loader : loaders) {
        try {
          for (ProviderSettingsType<?> type : ServiceLoader.load(ProviderSettingsType.class, loader)) {
            add(byName, type);
            for (ProviderSettingsType<?> preset : type.presets()) add(byName, preset);
          }
        } catch (ServiceConfigurationError e) {
          throw new IllegalStateException("A registered provider type could not be loaded: " + e.getMessage(), e);
        }
      }
      return new ProviderSettingsTypes(byName);
    }

    private static void add(Map<String, ProviderSettingsType<?>> byName, ProviderSettingsType<?> type) {
      String name = type.name();
      if (name == null || name.isBlank()) {
        throw new IllegalStateException("provider type " + type.getClass().getName() + " has no name");
      }
      ProviderSettingsType<?> earlier = byName.putIfAbsent(name, type);
      if (earlier != null && earlier.getClass() != type.getClass()) {
        throw new IllegalStateException("provider type \"" + name + "\" is registered twice: by "
            + earlier.getClass().getName() + " and by " + type.getClass().getName());
      }
    }
  }
}
