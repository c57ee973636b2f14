package org.gloomeshupgrade.notify;

/**
 * What came of the sample at one destination.
 *
 * @param detail "HTTP 200 in 35 ms", or why not (never a URL or token)
 */
public record NotifyTestResult(String destination, String kind, boolean delivered, String detail) {}
