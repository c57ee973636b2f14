package org.gloomeshupgrade.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gloomeshupgrade.metrics.WorkerEndpoints;

/** The worker's HTTP port as a test reads it: probes' answers and scraped samples. */
final class Scrapes {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int port;

  Scrapes(int port) {
    this.port = port;
  }

  record Answer(int status, String body) {}

  Answer get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:%d%s".formatted(port, path)))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /** The status, or -1 while nothing listens. */
  int status(String path) throws InterruptedException {
    try {
      return get(path).status();
    } catch (IOException notYet) {
      return -1;
    }
  }

  Metrics scrape() throws IOException, InterruptedException {
    Answer answer = get(WorkerEndpoints.METRICS);
    if (answer.status() != 200) {
      throw new IOException("scrape answered " + answer.status());
    }
    return Metrics.parse(answer.body());
  }

  record Sample(String name, Map<String, String> labels, double value) {}

  /** One scrape in Prometheus' text format. */
  record Metrics(List<Sample> samples) {
    static Metrics parse(String text) {
      List<Sample> samples = new ArrayList<>();
      for (String line : text.split("\n")) {
        Matcher m = SAMPLE.matcher(line.trim());
        if (line.startsWith("#") || !m.matches()) {
          continue;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null) {
          Matcher l = LABEL.matcher(m.group(2));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
      }
      return new Metrics(samples);
    }

    /** The sample with these labels (and any others), NaN when there is none. */
    double value(String name, Map<String, String> labels) {
      return samples.stream()
          .filter(s -> s.name().equals(name))
          .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
          .mapToDouble(Sample::value)
          .findFirst()
          .orElse(Double.NaN);
    }

    Set<String> names() {
      Set<String> names = new TreeSet<>();
      samples.forEach(s -> names.add(s.name()));
      return names;
    }
  }
}
