package io.lineageledger.ledger.journal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A DataSource that counts what the code above it asks of PostgreSQL: connections taken, and
 * statements executed and their wall time, by the journal table they touch. Profiling only; the
 * figures that are reported as latency are measured without it.
 */
final class CountingDataSource {
  private final DataSource target;
  private final LongAdder connections = new LongAdder();
  private final Map<String, LongAdder> executions = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();

  CountingDataSource(DataSource target) {
    this.target = target;
  }

  DataSource dataSource() {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, m, args) -> {
              Object result = call(target, m, args);
              if (m.getName().equals("getConnection")) {
                connections.increment();
                return wrap(Connection.class, result, this::connectionCall);
              }
              return result;
            });
  }

  void reset() {
    connections.reset();
    executions.clear();
    nanos.clear();
  }

  long connections() {
    return connections.sum();
  }

  /** Statements executed, by kind. */
  Map<String, Long> executions() {
    Map<String, Long> out = new TreeMap<>();
    executions.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Wall time spent in execute calls (client side, round trip included), by kind. */
  Map<String, Long> nanos() {
    Map<String, Long> out = new TreeMap<>();
    nanos.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private Object connectionCall(Object target, Method m, Object[] args) throws Throwable {
    Object result = call(target, m, args);
    if (m.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
      String kind = kind(sql);
      return wrap(
          PreparedStatement.class, result, (t, sm, sargs) -> statementCall(kind, t, sm, sargs));
    }
    if (m.getName().equals("createStatement")) {
      return wrap(
          Statement.class,
          result,
          (t, sm, sargs) -> {
            String kind =
                sargs != null && sargs.length > 0 && sargs[0] instanceof String s
                    ? kind(s)
                    : "other";
            return statementCall(kind, t, sm, sargs);
          });
    }
    return result;
  }

  private Object statementCall(String kind, Object target, Method m, Object[] args)
      throws Throwable {
    if (!m.getName().startsWith("execute")) {
      return call(target, m, args);
    }
    long t = System.nanoTime();
    try {
      return call(target, m, args);
    } finally {
      nanos.computeIfAbsent(kind, k -> new LongAdder()).add(System.nanoTime() - t);
      executions.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }
  }

  /** Which part of the journal a statement serves, from the table it reads. */
  static String kind(String sql) {
    if (sql.contains("journal_tiles")) {
      return "tile";
    }
    if (sql.contains("journal_checkpoints")) {
      return "checkpoint";
    }
    if (sql.contains("journal_tree_heads")) {
      return "treeHead";
    }
    if (sql.contains("journal_records")) {
      return "record";
    }
    return "other";
  }

  private interface Call {
    Object invoke(Object target, Method m, Object[] args) throws Throwable;
  }

  private static <T> T wrap(Class<T> type, Object target, Call call) {
    InvocationHandler h = (proxy, m, args) -> call.invoke(target, m, args);
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
