package dev.livesessions;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** A scrape of /actuator/prometheus: every sample by its name and labels, as the text exposition gives them. */
public record Metrics(Map<String, Double> samples) {

    public static Metrics scrape(Http http) {
        Http.Response response = http.get("/actuator/prometheus");
        if (response.status() != 200) {
            throw new IllegalStateException("Could not scrape the metrics: " + response);
        }
        Map<String, Double> samples = new HashMap<>();
        response.text().lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(line -> {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                });
        return new Metrics(samples);
    }

    /** The sum of the samples named {@code name} whose labels include every {@code label="value"} given. */
    public double value(String name, String... labels) {
        return samples.entrySet().stream()
                      .filter(sample -> nameOf(sample.getKey()).equals(name))
                      .filter(sample -> Set.of(labels).stream().allMatch(label -> sample.getKey().contains(label)))
                      .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The names of every metric in the scrape. */
    public Set<String> names() {
        return samples.keySet().stream().map(Metrics::nameOf).collect(Collectors.toSet());
    }

    private static String nameOf(String sample) {
        int brace = sample.indexOf('{');
        return brace < 0 ? sample : sample.substring(0, brace);
    }
}
