/**
 * What operators see of the traffic: the request log (every proxied request with its attempts, written in batches
 * off the request path, dropped and counted when writing falls behind) and usage over time (hourly and daily buckets
 * per pool key, client key and model). Pure Java; persistence through the RequestLogStore and UsageStore ports.
 */
package io.keyrelay.insight;
