package dev.strata.api.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReceiveBatchTest {

    @Test
    void withoutABatchADeferredTaskRunsAtOnce() {
        List<String> ran = new ArrayList<>();
        ReceiveBatch batch = ReceiveBatch.current();
        assertFalse(batch.active());
        batch.defer(() -> ran.add("now"));
        assertEquals(List.of("now"), ran);
    }

    @Test
    void deferredTasksRunInOrderWhenTheOutermostBatchEndsEvenIfOneThrows() {
        List<String> ran = new ArrayList<>();
        ReceiveBatch batch = ReceiveBatch.current();
        batch.begin();
        batch.begin();
        for (int i = 0; i < 40; i++) { // past the initial array
            int n = i;
            batch.defer(() -> ran.add("t" + n));
        }
        batch.defer(() -> {
            throw new IllegalStateException("a layer failed");
        });
        batch.defer(() -> ran.add("last"));
        batch.end();
        assertTrue(batch.active());
        assertEquals(List.of(), ran);
        batch.end();
        assertFalse(batch.active());
        assertEquals(42 - 1, ran.size());
        assertEquals("t0", ran.get(0));
        assertEquals("last", ran.get(40));
        batch.end(); // unbalanced: nothing
        assertFalse(batch.active());
    }

    @Test
    void eachThreadHasItsOwnBatch() throws Exception {
        ReceiveBatch mine = ReceiveBatch.current();
        mine.begin();
        boolean[] otherActive = new boolean[1];
        Thread t = new Thread(() -> otherActive[0] = ReceiveBatch.current().active());
        t.start();
        t.join();
        mine.end();
        assertFalse(otherActive[0]);
    }
}
