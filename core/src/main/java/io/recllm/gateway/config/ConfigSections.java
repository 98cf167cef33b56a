package io.recllm.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/** The {@link ConfigSection}s registered with {@link ServiceLoader}, found once. */
final class ConfigSections {

  private ConfigSections() {}

  static List<ConfigSection<?>> installed() {
    return Installed.SECTIONS;
  }

  private static final class Installed {
    static final List<ConfigSection<?>> SECTIONS = load();

    @SuppressWarnings("rawtypes")
    private static List<ConfigSection<?>> load() {
      Set<ClassLoader> loaders = new LinkedHashSet<>();
      loaders.add(ConfigSection.class.getClassLoader());
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null) loaders.add(context);
      Map<Class<?>, ConfigSection<?>> byClass = new LinkedHashMap<>();
      Map<String, ConfigSection<?>> byKey = new LinkedHashMap<>();
      for (ClassLoader loader : loaders) {
        try {
          for (ConfigSection section : ServiceLoader.load(ConfigSection.class, loader)) {
            if (byClass.putIfAbsent(section.getClass(), section) != null) continue;
            for (Object key : section.topKeys()) {
              ConfigSection<?> earlier = byKey.putIfAbsent((String) key, section);
              if (earlier != null) {
                throw new IllegalStateException("config key \"" + key + "\" is claimed by both "
                    + earlier.getClass().getName() + " and " + section.getClass().getName());
              }
            }
          }
        } catch (ServiceConfigurationError e) {
          throw new IllegalStateException("A registered config section could not be loaded: " + e.getMessage(), e);
        }
      }
      return List.copyOf(new ArrayList<>(byClass.values()));
    }
  }
}
