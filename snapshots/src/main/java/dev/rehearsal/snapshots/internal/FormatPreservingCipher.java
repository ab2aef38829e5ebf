package dev.rehearsal.snapshots.internal;

import org.bouncycastle.crypto.fpe.FPEEngine;
import org.bouncycastle.crypto.fpe.FPEFF1Engine;
import org.bouncycastle.crypto.params.FPEParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A keyed permutation of the strings of {@code n} symbols over an alphabet of {@code radix} symbols: NIST's FF1
 * (Bouncy Castle's {@link FPEFF1Engine}) where the domain has at least a million values, which FF1 requires; a keyed
 * cyclic shuffle of the whole domain below that (short codes, two-letter words), which has no fixed point. Being a
 * permutation, it maps distinct inputs to distinct outputs of the same length, which is what keeps unique keys unique
 * after masking.
 */
final class FormatPreservingCipher {

    private static final int FF1_MIN_DOMAIN = 1_000_000;

    private final byte[] aesKey;
    private final Mac mac;
    private final Map<Long, int[]> smallDomains = new ConcurrentHashMap<>();

    /** {@code mac} is keyed with the masking secret; the AES key FF1 needs is derived from it. */
    FormatPreservingCipher(Mac mac) {
        this.mac = mac;
        byte[] derived;
        synchronized (mac) {
            derived = mac.doFinal("rehearsal format-preserving key".getBytes(StandardCharsets.UTF_8));
        }
        this.aesKey = Arrays.copyOf(derived, 32);
    }

    /** The permuted symbols (each {@code 0..radix-1}); {@code tweak} selects one of many permutations where FF1 is used. */
    int[] encrypt(int[] symbols, int radix, byte[] tweak) {
        int n = symbols.length;
        if (n == 0) {
            return symbols;
        }
        if (Math.pow(radix, n) >= FF1_MIN_DOMAIN) {
            byte[] in = new byte[n];
            for (int i = 0; i < n; i++) {
                in[i] = (byte) symbols[i];
            }
            byte[] out = new byte[n];
            FPEEngine engine = new FPEFF1Engine();
            engine.init(true, new FPEParameters(new KeyParameter(aesKey), radix, tweak));
            engine.processBlock(in, 0, n, out, 0);
            int[] result = new int[n];
            for (int i = 0; i < n; i++) {
                result[i] = out[i] & 0xff;
            }
            return result;
        }
        int[] permutation = smallDomains.computeIfAbsent((long) radix << 32 | n, k -> cyclicShuffle((int) Math.pow(radix, n), radix, n));
        int index = 0;
        for (int s : symbols) {
            index = index * radix + s;
        }
        int mapped = permutation[index];
        int[] result = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            result[i] = mapped % radix;
            mapped /= radix;
        }
        return result;
    }

    /** Sattolo's shuffle driven by the keyed hash: one cycle through the whole domain, so nothing maps to itself. */
    private int[] cyclicShuffle(int size, int radix, int n) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        byte[] block;
        synchronized (mac) {
            block = mac.doFinal(("rehearsal small domain " + radix + "^" + n).getBytes(StandardCharsets.UTF_8));
        }
        int at = 0;
        for (int i = size - 1; i > 0; i--) {
            if (at + 4 > block.length) {
                synchronized (mac) {
                    block = mac.doFinal(block);
                }
                at = 0;
            }
            long r = ((block[at] & 0xffL) << 24 | (block[at + 1] & 0xffL) << 16 | (block[at + 2] & 0xffL) << 8 | (block[at + 3] & 0xffL));
            at += 4;
            int j = (int) (r % i); // 0..i-1: Sattolo's variant of Fisher-Yates
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
