package io.recllm.gateway.provider;

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
 * The provider types the config may name, by name. {@link #installed()} holds those registered with
 * {@link ServiceLoader}: the built-in ones (openai, anthropic, mock) and any an application's jar adds
 * with a {@code META-INF/services/io.recllm.gateway.provider.ProviderType} line.
 */
public final class ProviderTypes {

  private final Map<String, ProviderType<?>> byName;

  private ProviderTypes(Map<String, ProviderType<?>> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** The registered types, looked up once (with the gateway's class loader and the thread's context one). */
  public static ProviderTypes installed() {
    return Installed.TYPES;
  }

  /** Exactly these types. */
  public static ProviderTypes of(List<? extends ProviderType<?>> types) {
    Map<String, ProviderType<?>> byName = new TreeMap<>();
    for (ProviderType<?> t : types) add(byName, t);
    return new ProviderTypes(byName);
  }

  public Optional<ProviderType<?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** @throws IllegalArgumentException naming the registered types when there is none by that name */
  public ProviderType<?> get(String name) {
    ProviderType<?> t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException("\"" + name + "\" is not a provider type (one of " + String.join(", ", names()) + ")");
    }
    return t;
  }

  /** Names in alphabetical order. */
  public Set<String> names() {
    return byName.keySet();
  }

  private static void add(Map<String, ProviderType<?>> byName, ProviderType<?> type) {
    String name = type.name();
    if (name == null || name.isBlank()) {
      throw new IllegalStateException("provider type " + type.getClass().getName() + " has no name");
    }
    ProviderType<?> earlier = byName.putIfAbsent(name, type);
    if (earlier != null && earlier.getClass() != type.getClass()) {
      throw new IllegalStateException("provider type \"" + name + "\" is registered twice: by "
          + earlier.getClass().getName() + " and by " + type.getClass().getName());
    }
  }

  private static final class Installed {
    static final ProviderTypes TYPES = load();

    @SuppressWarnings("rawtypes")
    private static ProviderTypes load() {
      Set<ClassLoader> loaders = new LinkedHashSet<>();
      loaders.add(ProviderType.class.getClassLoader());
      // an application server or plugin host may load the application's jar below the gateway's loader
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) loaders.add(context);
      Map<String, ProviderType<?>> byName = new TreeMap<>();
      for (ClassLoader loader : loaders) {
        try {
          for (ProviderType type : ServiceLoader.load(ProviderType.class, loader)) add(byName, type);
        } catch (ServiceConfigurationError e) {
          throw new IllegalStateException("A registered provider type could not be loaded: " + e.getMessage(), e);
        }
      }
      return new ProviderTypes(byName);
    }
  }
}
