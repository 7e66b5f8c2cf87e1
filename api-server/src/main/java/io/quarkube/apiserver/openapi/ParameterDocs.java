package io.quarkube.apiserver.openapi;

import java.util.Map;
import java.util.Set;

/** Types and short descriptions of the API's path and query parameters. */
final class ParameterDocs {
  private static final Set<String> BOOLEAN = Set.of("allowWatchBookmarks", "force", "orphanDependents",
      "sendInitialEvents", "watch", "follow", "previous", "timestamps", "stdin", "stdout", "stderr", "tty",
      "insecureSkipTLSVerifyBackend", "ignoreStoreReadErrorWithClusterBreakingPotential");
  private static final Set<String> INTEGER = Set.of("limit", "timeoutSeconds", "gracePeriodSeconds", "limitBytes",
      "sinceSeconds", "tailLines", "ports");

  private static final Map<String, String> DOCS = Map.ofEntries(
      Map.entry("name", "name of the object"),
      Map.entry("namespace", "object name and auth scope, such as for teams and projects"),
      Map.entry("path", "path to the resource"),
      Map.entry("pretty", "If 'true', then the output is pretty printed."),
      Map.entry("allowWatchBookmarks", "Ask for BOOKMARK events in a watch; servers may send them at any time."),
      Map.entry("continue", "The continue token of the previous page of a chunked list."),
      Map.entry("fieldSelector", "Restrict the objects returned by their fields, e.g. metadata.name=x."),
      Map.entry("labelSelector", "Restrict the objects returned by their labels, e.g. app=web,tier!=db."),
      Map.entry("limit", "The most objects to return in one page; the rest follow with the continue token."),
      Map.entry("resourceVersion", "The resource version the answer must be at least as new as; for a watch, where"
          + " it starts."),
      Map.entry("resourceVersionMatch", "How resourceVersion applies to a list: Exact or NotOlderThan."),
      Map.entry("sendInitialEvents", "Start a watch with the current objects as ADDED events, then a bookmark."),
      Map.entry("timeoutSeconds", "How long a list or watch call may last."),
      Map.entry("watch", "Watch for changes to the described resources and return them as a stream of events."),
      Map.entry("dryRun", "When present (All), modifications are checked but not persisted."),
      Map.entry("fieldManager", "The name of the actor making the change, recorded in managedFields."),
      Map.entry("fieldValidation", "What to do with unknown or duplicate fields in the body: Ignore, Warn or"
          + " Strict."),
      Map.entry("force", "Force an apply patch: take ownership of fields other managers own."),
      Map.entry("gracePeriodSeconds", "The seconds before the object is deleted; 0 deletes it at once."),
      Map.entry("ignoreStoreReadErrorWithClusterBreakingPotential", "Delete an object that cannot be decoded from"
          + " storage. Dangerous."),
      Map.entry("orphanDependents", "Deprecated: use propagationPolicy."),
      Map.entry("propagationPolicy", "Whether and how dependents are garbage collected: Orphan, Background or"
          + " Foreground."),
      Map.entry("container", "The container to use; optional when the pod has one."),
      Map.entry("follow", "Follow the log stream of the pod."),
      Map.entry("insecureSkipTLSVerifyBackend", "Do not verify the kubelet's serving certificate."),
      Map.entry("limitBytes", "The most bytes of log to return."),
      Map.entry("previous", "Return the log of the previous, terminated container."),
      Map.entry("sinceSeconds", "Return log lines newer than this many seconds."),
      Map.entry("tailLines", "The number of lines from the end of the log to show."),
      Map.entry("timestamps", "Prefix every log line with its RFC 3339 timestamp."),
      Map.entry("command", "The command to execute, one argument per parameter."),
      Map.entry("stdin", "Redirect the standard input stream of the pod for this call."),
      Map.entry("stdout", "Redirect the standard output stream of the pod for this call."),
      Map.entry("stderr", "Redirect the standard error stream of the pod for this call."),
      Map.entry("tty", "Allocate a terminal for this call."),
      Map.entry("ports", "The pod ports to forward."));

  private ParameterDocs() {}

  static String describe(String name) {
    return DOCS.getOrDefault(name, name);
  }

  static String type(String name) {
    if (BOOLEAN.contains(name)) {
      return "boolean";
    }
    return INTEGER.contains(name) ? "integer" : "string";
  }
}
