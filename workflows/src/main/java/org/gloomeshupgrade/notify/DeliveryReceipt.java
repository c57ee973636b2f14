package org.gloomeshupgrade.notify;

/**
 * A delivered notification: the destination and what it answered (HTTP status), for the run's
 * record.
 */
public record DeliveryReceipt(String destination, int httpStatus, long tookMillis) {}
