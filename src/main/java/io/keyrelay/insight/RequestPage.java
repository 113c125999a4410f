package io.keyrelay.insight;

import java.util.List;

/** A page of the request log, newest first, and where the next one starts (null on the last page). */
public record RequestPage(List<LoggedRequest> requests, RequestCursor next) {
}
