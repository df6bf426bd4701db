package io.lineageledger.chaincode;

import java.util.List;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeException;

/**
 * Dispatches a transaction by name and string arguments to {@link AnchorContract}, as the peer's
 * contract router would, for running the real contract in process.
 */
public final class LocalTransactions {
  private final AnchorContract contract;

  public LocalTransactions(AnchorContract contract) {
    this.contract = contract;
  }

  /**
   * Runs {@code stub.getFunction()} with {@code stub.getParameters()}; the name may carry the
   * contract prefix ({@code lineage-anchor:anchor}).
   *
   * @throws ChaincodeException when the contract refuses, or the call is unknown or malformed
   */
  public String invoke(LocalStub stub) {
    String fn = stub.getFunction();
    int colon = fn.indexOf(':');
    if (colon >= 0) {
      fn = fn.substring(colon + 1);
    }
    List<String> a = stub.getParameters();
    Context ctx = contract.createContext(stub);
    return switch (fn) {
      case "registerLog" -> contract.registerLog(ctx, arg(a, 0, 2), a.get(1));
      case "anchor" -> contract.anchor(ctx, arg(a, 0, 2), a.get(1));
      case "getAnchor" -> contract.getAnchor(ctx, arg(a, 0, 2), number(a.get(1)));
      case "latest" -> contract.latest(ctx, arg(a, 0, 1));
      case "history" -> contract.history(ctx, arg(a, 0, 2), number(a.get(1)));
      default ->
          throw AnchorContract.refused(
              AnchorError.MALFORMED, "no transaction named '" + stub.getFunction() + "'");
    };
  }

  private static String arg(List<String> args, int index, int expected) {
    if (args.size() != expected) {
      throw AnchorContract.refused(
          AnchorError.MALFORMED, "expected " + expected + " arguments, got " + args.size());
    }
    return args.get(index);
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw AnchorContract.refused(AnchorError.MALFORMED, "'" + s + "' is not a tree size");
    }
  }
}
