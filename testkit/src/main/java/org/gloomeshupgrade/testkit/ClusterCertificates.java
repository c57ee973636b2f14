package org.gloomeshupgrade.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key material of one run of real API servers or of a TLS endpoint, made fresh each time: a CA,
 * a serving certificate for 127.0.0.1 and localhost signed by it, a client certificate for mTLS,
 * and the key that signs service-account tokens. EC P-256 keys, since RSA key generation would add
 * seconds to every test class.
 */
public final class ClusterCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();

  final Path caCertificate;
  final Path servingCertificate;
  final Path servingKey;
  final Path serviceAccountKey;
  final Path serviceAccountPublicKey;
  final Path clientCertificate;
  final Path clientKey;
  final String caPem;

  private ClusterCertificates(Path folder, String caPem) {
    this.caCertificate = folder.resolve("ca.crt");
    this.servingCertificate = folder.resolve("serving.crt");
    this.servingKey = folder.resolve("serving.key");
    this.serviceAccountKey = folder.resolve("service-account.key");
    this.serviceAccountPublicKey = folder.resolve("service-account.pub");
    this.clientCertificate = folder.resolve("client.crt");
    this.clientKey = folder.resolve("client.key");
    this.caPem = caPem;
  }

  /** Writes a new CA, serving certificate and service-account key pair into {@code folder}. */
  public static ClusterCertificates create(Path folder) {
    try {
      Files.createDirectories(folder);
      KeyPair caKeys = ecKeyPair();
      X500Name caName = new X500Name("CN=gmu-simulated-ca");
      Instant now = Instant.now();
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(2))),
                  caName,
                  caKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      String caPem = pem("CERTIFICATE", sign(ca, caKeys).getEncoded());

      KeyPair servingKeys = ecKeyPair();
      X509v3CertificateBuilder serving =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(2))),
                  new X500Name("CN=kube-apiserver"),
                  servingKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(
                      new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")
                      }));
      String servingPem = pem("CERTIFICATE", sign(serving, caKeys).getEncoded());

      KeyPair clientKeys = ecKeyPair();
      X509v3CertificateBuilder client =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(2))),
                  new X500Name("CN=gmu-test-client"),
                  clientKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      String clientPem = pem("CERTIFICATE", sign(client, caKeys).getEncoded());

      KeyPair serviceAccountKeys = ecKeyPair();

      ClusterCertificates certificates = new ClusterCertificates(folder, caPem);
      write(certificates.caCertificate, caPem);
      write(certificates.servingCertificate, servingPem);
      write(certificates.servingKey, pem("PRIVATE KEY", servingKeys.getPrivate().getEncoded()));
      write(certificates.clientCertificate, clientPem);
      write(certificates.clientKey, pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));
      write(
          certificates.serviceAccountKey,
          pem("PRIVATE KEY", serviceAccountKeys.getPrivate().getEncoded()));
      write(
          certificates.serviceAccountPublicKey,
          pem("PUBLIC KEY", serviceAccountKeys.getPublic().getEncoded()));
      return certificates;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not make certificates for the API servers", e);
    }
  }

  /** The CA that signed the others, PEM. */
  public Path ca() {
    return caCertificate;
  }

  /** For 127.0.0.1 and localhost, PEM. */
  public Path serverCertificate() {
    return servingCertificate;
  }

  public Path serverKey() {
    return servingKey;
  }

  /** For mTLS, PEM. */
  public Path clientCertificate() {
    return clientCertificate;
  }

  public Path clientKey() {
    return clientKey;
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509CertificateHolder sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException {
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
    return builder.build(signer);
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }
}
