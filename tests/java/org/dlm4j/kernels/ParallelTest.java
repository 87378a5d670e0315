package org.dlm4j.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool's contract: contiguous chunks covering the range once, caller first, failures surfaced. */
class ParallelTest {

    private int savedThreads;

    @BeforeEach
    void useThreeThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(3);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private record Chunk(int start, int end, String thread) {
    }

    private static List<Chunk> chunksOf(int count, int minChunk) {
        List<Chunk> chunks = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(count, minChunk,
                (start, end) -> chunks.add(new Chunk(start, end, Thread.currentThread().getName())));
        List<Chunk> sorted = new ArrayList<>(chunks);
        sorted.sort((x, y) -> Integer.compare(x.start, y.start));
        return sorted;
    }

    @Test
    void chunksAreContiguousEvenAndTheCallerTakesTheFirst() {
        List<Chunk> chunks = chunksOf(100, 1);

        assertThat(chunks).extracting(Chunk::start).containsExactly(0, 33, 66);
        assertThat(chunks).extracting(Chunk::end).containsExactly(33, 66, 100);
        assertThat(chunks.get(0).thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(chunks.get(1).thread()).isNotEqualTo(chunks.get(2).thread())
                .startsWith("dlm4j-kernel");
    }

    @Test
    void minChunkLimitsTheSplitAndSmallRangesStayOnTheCaller() {
        assertThat(chunksOf(100, 50)).hasSize(2);
        assertThat(chunksOf(10, 16)).containsExactly(new Chunk(0, 10, Thread.currentThread().getName()));
        assertThat(chunksOf(0, 1)).isEmpty();
    }

    @Test
    void manyCallsInARowEachCoverTheRangeExactlyOnce() {
        // Back-to-back calls are the case the spinning workers are for; every index must be visited once.
        int count = 1_000;
        int[] visits = new int[count];
        for (int call = 0; call < 2_000; call++) {
            Parallel.forRange(count, 1, (start, end) -> {
                for (int i = start; i < end; i++) {
                    visits[i]++;
                }
            });
        }
        assertThat(visits).containsOnly(2_000);
    }

    @Test
    void aFailureInAWorkerChunkReachesTheCallerAndThePoolStillWorks() {
        assertThatThrownBy(() -> Parallel.forRange(90, 1, (start, end) -> {
            if (start > 0) {
                throw new IllegalArgumentException("bad chunk " + start);
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bad chunk");

        assertThat(chunksOf(90, 1)).hasSize(3);
    }

    @Test
    void aNestedCallRunsSeriallyInsideItsChunk() {
        List<List<Chunk>> inner = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(3, 1, (start, end) -> inner.add(chunksOf(50, 1)));

        assertThat(inner).hasSize(3).allSatisfy(chunks -> assertThat(chunks).hasSize(1)
                .first().satisfies(c -> assertThat(c.end() - c.start()).isEqualTo(50)));
    }

    @Test
    void callsFromSeveralThreadsAtOnceAllComplete() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> sums = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sums.add(callers.submit(() -> {
                    start.await();
                    AtomicInteger total = new AtomicInteger();
                    for (int call = 0; call < 200; call++) {
                        Parallel.forRange(64, 1, (s, e) -> total.addAndGet(e - s));
                    }
                    return total.get();
                }));
            }
            start.countDown();
            for (Future<Integer> sum : sums) {
                assertThat(sum.get(30, TimeUnit.SECONDS)).isEqualTo(200 * 64);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void resizingTheThreadCountTakesEffectForTheNextCall() {
        Parallel.setThreads(2);
        assertThat(chunksOf(100, 1)).hasSize(2);
        Parallel.setThreads(1);
        assertThat(chunksOf(100, 1)).hasSize(1);
        assertThatThrownBy(() -> Parallel.setThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
