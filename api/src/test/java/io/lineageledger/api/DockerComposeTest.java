package io.lineageledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml cannot be run here (no container engine), so its wiring is checked by parsing
 * it: every service present with a pinned image, the Fabric pieces configured as the anchoring
 * needs them, and every file the service is pointed at provided by a mounted volume.
 */
class DockerComposeTest {
  private static final Path ROOT = Path.of("..");
  private static Map<String, Object> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws Exception {
    Map<String, Object> compose =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(ROOT.resolve("docker-compose.yml")));
    services = (Map<String, Object>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    assertThat(services).as("services").containsKey(name);
    return (Map<String, Object>) services.get(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> env(String name) {
    return (Map<String, String>) service(name).get("environment");
  }

  @SuppressWarnings("unchecked")
  private static List<String> volumes(String name) {
    return (List<String>) service(name).get("volumes");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, String>> dependsOn(String name) {
    return (Map<String, Map<String, String>>) service(name).get("depends_on");
  }

  @Test
  void compose_hasTheWholeStack_withPinnedImages() {
    assertThat(services)
        .containsKeys(
            "postgres",
            "fabric-crypto",
            "orderer.example.com",
            "peer0.org1.example.com",
            "anchor-chaincode",
            "fabric-network-setup",
            "mlflow",
            "lineage");
    for (String name : services.keySet()) {
      String image = (String) service(name).get("image");
      assertThat(image).as(name + " image").matches("[^:]+:[0-9A-Za-z._-]+");
      assertThat(image).as(name + " image tag").doesNotEndWith(":latest");
    }
    assertThat((String) service("orderer.example.com").get("image"))
        .isEqualTo("hyperledger/fabric-orderer:2.5.10");
    assertThat((String) service("peer0.org1.example.com").get("image"))
        .isEqualTo("hyperledger/fabric-peer:2.5.10");
  }

  @Test
  void fabric_ordererUsesChannelParticipation_peerRunsTheGateway() {
    Map<String, String> orderer = env("orderer.example.com");
    assertThat(orderer)
        .containsEntry("ORDERER_GENERAL_BOOTSTRAPMETHOD", "none")
        .containsEntry("ORDERER_CHANNELPARTICIPATION_ENABLED", "true")
        .containsKey("ORDERER_ADMIN_LISTENADDRESS");
    assertThat(env("peer0.org1.example.com"))
        .containsEntry("CORE_PEER_GATEWAY_ENABLED", "true")
        .containsEntry("CORE_PEER_TLS_ENABLED", "true");
    assertThat(dependsOn("peer0.org1.example.com").get("fabric-crypto"))
        .containsEntry("condition", "service_completed_successfully");
  }

  @Test
  void chaincode_runsTheServiceJarAtTheAddressThePackageNames() throws Exception {
    Map<String, Object> cc = service("anchor-chaincode");
    // "$$" is compose's escape for a "$" the container's shell sees.
    assertThat(String.valueOf(cc.get("command")))
        .contains("CORE_CHAINCODE_ID_NAME=$$(cat /crypto/package-id)")
        .contains("lineage-chaincode-service.jar");
    assertThat(env("anchor-chaincode"))
        .containsEntry("CHAINCODE_SERVER_ADDRESS", "0.0.0.0:9999")
        .containsEntry("LINEAGE_ADMIN_MSPS", "Org1MSP");
    assertThat(env("fabric-crypto")).containsEntry("CC_ADDRESS", "anchor-chaincode:9999");
    assertThat(volumes("anchor-chaincode"))
        .contains(
            "./ledger-chaincode/target/lineage-chaincode-service.jar:/chaincode/lineage-chaincode-service.jar:ro");
    for (String script : List.of("setup-crypto.sh", "setup-network.sh")) {
      Path p = ROOT.resolve("deploy/fabric").resolve(script);
      assertThat(p).exists();
      assertThat(Files.readString(p)).startsWith("#!/usr/bin/env bash\n");
    }
    assertThat(Files.readString(ROOT.resolve("deploy/fabric/setup-network.sh")))
        .contains("osnadmin channel join")
        .contains("peer lifecycle chaincode install")
        .contains("approveformyorg")
        .contains("peer lifecycle chaincode commit");
  }

  @Test
  void service_anchorsOnFabric_withFilesFromTheCryptoVolume() {
    Map<String, String> e = env("lineage");
    assertThat(e)
        .containsEntry("LINEAGE_ANCHOR_BACKEND", "fabric")
        .containsEntry("LINEAGE_FABRIC_PEER_ENDPOINT", "peer0.org1.example.com:7051")
        .containsEntry("LINEAGE_FABRIC_MSP_ID", "Org1MSP")
        .containsEntry("LINEAGE_FABRIC_CHANNEL", env("fabric-network-setup").get("CHANNEL"))
        .containsEntry("LINEAGE_FABRIC_CHAINCODE", env("fabric-network-setup").get("CC_NAME"));
    for (String key :
        List.of(
            "LINEAGE_FABRIC_TLS_CA_FILE", "LINEAGE_FABRIC_CERT_FILE", "LINEAGE_FABRIC_KEY_FILE")) {
      assertThat(e.get(key)).as(key).startsWith("/crypto/peerOrganizations/org1.example.com/");
    }
    assertThat(volumes("lineage")).contains("fabric-crypto:/crypto:ro");
    // Every LINEAGE_* variable is a configuration key the service knows.
    for (String var : e.keySet()) {
      assertThat(java.util.Arrays.stream(ConfigKey.values()).anyMatch(k -> k.envName().equals(var)))
          .as(var + " is a known configuration key")
          .isTrue();
    }
    assertThat(dependsOn("lineage").get("fabric-network-setup"))
        .containsEntry("condition", "service_completed_successfully");
    assertThat(dependsOn("lineage")).containsKeys("postgres", "mlflow");
  }
}
