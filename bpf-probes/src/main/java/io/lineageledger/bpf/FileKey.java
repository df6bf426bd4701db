package io.lineageledger.bpf;

/** A regular file as one process touched it; {@code dev} in the kernel's internal encoding. */
record FileKey(ProcKey proc, int dev, long ino) {
  /** The stat(2) st_dev encoding of the kernel's {@code major << 20 | minor}. */
  long statDev() {
    long major = Integer.toUnsignedLong(dev) >>> 20;
    long minor = dev & 0xfffff;
    return (minor & 0xff) | (major << 8) | ((minor & ~0xffL) << 12);
  }
}
