package io.lineageledger.ledger.journal;

import io.lineageledger.ledger.note.NoteSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The log's checkpoint signing key: generated on first start into a file only its owner may read
 * (mode 0600), or supplied by the operator. The key name is the log's origin. Nothing here ever
 * prints the private key.
 */
public final class SigningKeys {
  private SigningKeys() {}

  /**
   * Loads the signer from {@code file}, creating it with a fresh key when missing.
   *
   * @param origin the configured origin, or empty to keep the file's (or generate one)
   * @throws IllegalStateException when the file's key name differs from a configured origin, or the
   *     file is readable by others
   */
  public static NoteSigner loadOrCreate(Path file, Optional<String> origin) throws IOException {
    if (Files.exists(file)) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IllegalStateException(
            "signing key file "
                + file
                + " is readable by others ("
                + PosixFilePermissions.toString(perms)
                + "); allowed: rw------- (chmod 600)");
      }
      NoteSigner signer =
          NoteSigner.fromSignerKey(Files.readString(file, StandardCharsets.US_ASCII).trim());
      if (origin.isPresent() && !origin.get().equals(signer.keyName())) {
        throw new IllegalStateException(
            "log.origin '"
                + origin.get()
                + "' differs from the key name '"
                + signer.keyName()
                + "' in "
                + file
                + "; a log keeps its origin for life");
      }
      return signer;
    }
    String name = origin.orElseGet(SigningKeys::generatedOrigin);
    NoteSigner signer = NoteSigner.generate(name);
    Files.createDirectories(file.toAbsolutePath().getParent());
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      return loadOrCreate(file, origin);
    }
    Files.writeString(file, signer.encodeSignerKey() + "\n", StandardCharsets.US_ASCII);
    return signer;
  }

  private static String generatedOrigin() {
    byte[] id = new byte[4];
    new SecureRandom().nextBytes(id);
    return "lineage-ledger.local/log-" + HexFormat.of().formatHex(id);
  }
}
