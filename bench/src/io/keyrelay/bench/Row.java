package io.keyrelay.bench;

/**
 * One line of the table: a target's figures in a scenario (for rounds, its median round's), the proxy's CPU per
 * request and peak RSS (NaN for direct), the cores others used meanwhile, and the notes.
 */
record Row(String scenario, String target, double rps, double p50, double p99, double cpuUsPerReq,
           double peakRssMb, double otherLoad, String notes) {
}
