/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every emulated device type, one per line, so the kernel's device table
 * (module/device.c) and axvmctl's names for configs and capabilities
 * cannot drift apart:
 *   AXVM_DEVICE_TYPE(ID, ident, name, space, length)
 * for AXVM_DEV_<ID> and AXVM_CAP_DEV_<ID> (the uapi), the C identifier
 * of the kernel's axvm_<ident>_type, the name configs use (emu_type),
 * and the AXVM_SPACE_* and length in bytes the device decodes.
 * The includer defines AXVM_DEVICE_TYPE. No include guard: by design.
 */
AXVM_DEVICE_TYPE(UART16550, uart16550, "uart16550", AXVM_SPACE_PIO, 8)
AXVM_DEVICE_TYPE(DEBUG_EXIT, debug_exit, "debug-exit", AXVM_SPACE_PIO, 4)
