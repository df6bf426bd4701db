package io.lineageledger.api;

import java.util.UUID;

/** The authenticated caller of a request: which key, whose name, which role. */
record Principal(UUID keyId, String name, Role role) {}
