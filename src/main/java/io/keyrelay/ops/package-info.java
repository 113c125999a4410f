/** Operations: /healthz, /readyz and Prometheus /metrics, browser-hardening headers, and the low-backup alert. */
package io.keyrelay.ops;
