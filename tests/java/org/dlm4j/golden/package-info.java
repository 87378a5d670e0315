/**
 * Test support for golden files: reference tensors written by {@code tests/golden/make_golden.py}
 * with PyTorch and compared by name against dlm4j's results ({@link org.dlm4j.golden.GoldenFile}).
 */
package org.dlm4j.golden;
