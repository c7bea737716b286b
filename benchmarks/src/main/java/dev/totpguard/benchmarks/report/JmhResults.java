package dev.totpguard.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the JSON that JMH writes with {@code -rf json}. */
public final class JmhResults {

    private JmhResults() {
    }

    /**
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a JMH JSON result file (the message names the field)
     */
    public static List<BenchmarkResult> read(Path json) throws IOException {
        try (Reader reader = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            return parse(JsonParser.parseReader(reader));
        }
    }

    static List<BenchmarkResult> parse(JsonElement root) {
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException("A JMH JSON result file is an array of results");
        }
        JsonArray rows = root.getAsJsonArray();
        List<BenchmarkResult> results = new ArrayList<>(rows.size());
        for (JsonElement element : rows) {
            JsonObject row = element.getAsJsonObject();
            String benchmark = required(row, "benchmark").getAsString();
            int threads = row.has("threads") ? row.get("threads").getAsInt() : 1;
            Map<String, String> params = new LinkedHashMap<>();
            if (row.has("params")) {
                for (Map.Entry<String, JsonElement> param : row.getAsJsonObject("params").entrySet()) {
                    params.put(param.getKey(), param.getValue().getAsString());
                }
            }
            JsonObject primary = required(row, "primaryMetric").getAsJsonObject();
            String unit = required(primary, "scoreUnit").getAsString();
            double score = required(primary, "score").getAsDouble();
            double error = primary.has("scoreError") ? primary.get("scoreError").getAsDouble() : Double.NaN;
            double nanos = toNanosPerOp(score, unit, threads);
            double errorNanos = Double.isNaN(error) ? Double.NaN : Math.abs(nanos - toNanosPerOp(score + error, unit, threads));
            results.add(new BenchmarkResult(benchmark, params, threads, nanos, errorNanos, allocation(row)));
        }
        return results;
    }

    /** {@code gc.alloc.rate.norm}, which JMH names with a leading middle dot in older versions. */
    private static Double allocation(JsonObject row) {
        if (!row.has("secondaryMetrics")) {
            return null;
        }
        for (Map.Entry<String, JsonElement> metric : row.getAsJsonObject("secondaryMetrics").entrySet()) {
            String name = metric.getKey().replace("\u00b7", "");
            if (name.equals("gc.alloc.rate.norm")) {
                return metric.getValue().getAsJsonObject().get("score").getAsDouble();
            }
        }
        return null;
    }

    /**
     * Converts a score to nanoseconds per operation of one thread: average-time units ({@code ns/op},
     * {@code us/op}, ...) directly, throughput units ({@code ops/s}, ...) as the inverse of the per-thread
     * rate, since JMH sums throughput over threads.
     */
    static double toNanosPerOp(double score, String unit, int threads) {
        String[] parts = unit.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("Unknown JMH score unit '" + unit + "'");
        }
        if (parts[1].equals("op")) {
            return score * nanosIn(parts[0], unit);
        }
        if (parts[0].equals("ops")) {
            return nanosIn(parts[1], unit) * threads / score;
        }
        throw new IllegalArgumentException("Unknown JMH score unit '" + unit + "'");
    }

    private static double nanosIn(String timeUnit, String unit) {
        switch (timeUnit) {
            case "ns":
                return 1;
            case "us":
                return 1e3;
            case "ms":
                return 1e6;
            case "s":
                return 1e9;
            case "min":
                return 60e9;
            default:
                throw new IllegalArgumentException("Unknown time unit in JMH score unit '" + unit + "'");
        }
    }

    private static JsonElement required(JsonObject object, String field) {
        JsonElement value = object.get(field);
        if (value == null || value.isJsonNull()) {
            throw new IllegalArgumentException("JMH result without '" + field + "'");
        }
        return value;
    }
}
