package io.recllm.gateway.keys;

import java.util.List;

/**
 * {@code admin_key} (the admin API is off while it is empty) and {@code keys}, the virtual keys declared
 * in the config file (hashed as they are read: the settings never hold a secret).
 */
public record KeysSettings(String adminKeyHash, List<VirtualKey> staticKeys) {

  public static final KeysSettings NONE = new KeysSettings(null, List.of());

  public KeysSettings {
    staticKeys = List.copyOf(staticKeys);
  }

  public boolean adminEnabled() {
    return adminKeyHash != null;
  }
}
