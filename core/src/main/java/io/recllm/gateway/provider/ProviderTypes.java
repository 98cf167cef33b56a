package io.recllm.gateway.provider;

import io.recllm.gateway.config.ProviderSettingsType;
import io.recllm.gateway.config.ProviderSettingsTypes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider types the config may name, by name. {@link #installed()} holds those registered with
 * {@link java.util.ServiceLoader}: the built-in ones (openai, anthropic, mock) and any an application's
 * jar adds with a {@code META-INF/services/io.recllm.gateway.config.ProviderSettingsType} line. They are
 * the instances the config loader read the settings with ({@link ProviderSettingsTypes}).
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

  /**
   * The registered types as provider types. A class registered under {@link ProviderSettingsType} that
   * does not implement {@link ProviderType} passes the config check but can build no client: the start
   * stops naming the class and what it lacks, not with a puzzling "is not a provider type".
   */
  static ProviderTypes from(Collection<? extends ProviderSettingsType<?>> registered) {
    List<ProviderType<?>> types = new ArrayList<>();
    for (ProviderSettingsType<?> t : registered) {
      if (!(t instanceof ProviderType<?> type)) {
        throw new IllegalStateException("provider type \"" + t.name() + "\" (" + t.getClass().getName()
            + ") is registered in META-INF/services/" + ProviderSettingsType.class.getName()
            + " but does not implement " + ProviderType.class.getName());
      }
      types.add(type);
    }
    return of(types);
  }

  private static final class Installed {
    static final ProviderTypes TYPES = from(ProviderSettingsTypes.installed().all());
  }
}
