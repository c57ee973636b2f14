package org.gloomeshupgrade.notify;

/**
 * @param by who asks: the sample says so
 * @param destination the one destination to try; "" for every one
 * @param note free text the sample carries, as a request's notifyNote would
 */
public record NotifyTestRequest(String by, String destination, String note) {}
