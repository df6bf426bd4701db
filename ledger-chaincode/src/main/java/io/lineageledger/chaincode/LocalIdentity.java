package io.lineageledger.chaincode;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.json.JSONObject;

/**
 * A Fabric-style client identity made locally: an EC P-256 key and a self-signed X.509 certificate,
 * optionally carrying Fabric CA attributes (extension 1.2.3.4.5.6.7.8.1), serialized as the {@code
 * SerializedIdentity} a proposal's creator holds. For running the contract in process (the embedded
 * anchor) and for tests; a real network's identities come from its CA.
 */
public record LocalIdentity(String mspId, X509Certificate certificate, PrivateKey privateKey) {
  private static final String FABRIC_ATTRS_OID = "1.2.3.4.5.6.7.8.1";

  /** A fresh identity; {@code attributes} become the certificate's Fabric CA attributes. */
  public static LocalIdentity generate(
      String mspId, String commonName, Map<String, String> attributes, Instant now) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name("CN=" + commonName + ",O=" + mspId);
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(3650))),
              name,
              kp.getPublic());
      if (!attributes.isEmpty()) {
        String json = new JSONObject().put("attrs", new JSONObject(attributes)).toString();
        // Fabric CA puts the JSON itself in extnValue (not a nested DER structure).
        b.addExtension(
            new ASN1ObjectIdentifier(FABRIC_ATTRS_OID),
            false,
            json.getBytes(StandardCharsets.UTF_8));
      }
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new LocalIdentity(mspId, cert, kp.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("generating a local identity for " + mspId, e);
    }
  }

  /** The certificate in PEM, as Fabric puts it in a SerializedIdentity. */
  public String certificatePem() {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(certificate);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("encoding a certificate as PEM", e);
    }
    return w.toString();
  }

  /** The proposal creator bytes: {@code SerializedIdentity{mspid, id_bytes = PEM}}. */
  public byte[] serialized() {
    return SerializedIdentity.newBuilder()
        .setMspid(mspId)
        .setIdBytes(com.google.protobuf.ByteString.copyFromUtf8(certificatePem()))
        .build()
        .toByteArray();
  }

  @Override
  public String toString() {
    return "LocalIdentity[" + mspId + ", " + certificate.getSubjectX500Principal() + "]";
  }
}
