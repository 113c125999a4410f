package io.keyrelay.admin;

import java.util.Optional;

/** Small named values the admin side keeps in the database: the admin token's hash, the session secret. */
public interface SettingsStore {

    Optional<String> get(String name);

    /** Stores the value unless one is already there; true when stored. */
    boolean putIfAbsent(String name, String value);
}
