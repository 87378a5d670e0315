package org.dlm4j.tensor;

/**
 * Index arithmetic shared by the shape ops: how a row-major shape splits around one axis, and the
 * gather map of a strided view (a broadcast input or a transposed tensor) in row-major order.
 */
final class StridedIndex {

    private StridedIndex() {
    }

    /** The product of the sizes before {@code axis}: how many blocks of that axis there are. */
    static int outer(int[] shape, int axis) {
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        return outer;
    }

    /** The product of the sizes after {@code axis}: the distance between consecutive entries along it. */
    static int inner(int[] shape, int axis) {
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return inner;
    }

    /**
     * For every flat row-major index of {@code shape}, the flat source index sum_i coord_i * strides[i].
     * Walks the coordinates like an odometer (last axis fastest) instead of dividing each index.
     */
    static int[] gatherMap(int[] shape, int[] strides) {
        int rank = shape.length;
        int size = Tensor.checkShape(shape);
        int[] map = new int[size];
        int[] counter = new int[rank];
        int index = 0;
        for (int flat = 0; flat < size; flat++) {
            map[flat] = index;
            for (int axis = rank - 1; axis >= 0; axis--) {
                counter[axis]++;
                index += strides[axis];
                if (counter[axis] < shape[axis]) {
                    break;
                }
                index -= strides[axis] * shape[axis];
                counter[axis] = 0;
            }
        }
        return map;
    }
}
