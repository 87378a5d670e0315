/**
 * The seam between the core and an accelerator: {@link org.dlm4j.device.DeviceEngine} is what a
 * device module (the TornadoVM one, built with {@code -Ptornado}) provides through
 * {@link java.util.ServiceLoader}, and {@link org.dlm4j.device.Devices} finds it at run time. The
 * core never imports a device library, so the default build, {@code ./dlm4j} and CI need none.
 */
package org.dlm4j.device;
