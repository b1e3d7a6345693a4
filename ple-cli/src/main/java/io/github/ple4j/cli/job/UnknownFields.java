package io.github.ple4j.cli.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds a misspelt or unknown field before the records are built. Jackson reports unknown properties of a record only
 * after constructing it, so a typo such as {@code "dnese"} would first surface as the record's own complaint ("at least
 * one feature column is needed"); this walk over the JSON tree and the record components names the real problem.
 */
final class UnknownFields {
    private UnknownFields() {
    }

    /** The first unknown field as "$.path: unknown field 'x'; expected one of [...]", or null. */
    static String find(JsonNode node, Type type, String path) {
        Class<?> raw = raw(type);
        if (raw == null || node == null) {
            return null;
        }
        if (List.class.isAssignableFrom(raw) && node.isArray() && type instanceof ParameterizedType p) {
            for (int i = 0; i < node.size(); i++) {
                String e = find(node.get(i), p.getActualTypeArguments()[0], path + "[" + i + "]");
                if (e != null) {
                    return e;
                }
            }
            return null;
        }
        if (!node.isObject()) {
            return null;
        }
        List<String> allowed = new ArrayList<>();
        Class<?> record = raw;
        JsonTypeInfo info = raw.getAnnotation(JsonTypeInfo.class);
        if (info != null) {
            allowed.add(info.property());
            JsonNode t = node.get(info.property());
            JsonSubTypes subs = raw.getAnnotation(JsonSubTypes.class);
            record = null;
            if (t != null && subs != null) {
                for (JsonSubTypes.Type s : subs.value()) {
                    if (s.name().equals(t.asText())) {
                        record = s.value();
                    }
                }
            }
            if (record == null) {
                return null; // Jackson reports the unknown type id
            }
        }
        if (!record.isRecord()) {
            return null;
        }
        RecordComponent[] components = record.getRecordComponents();
        for (RecordComponent c : components) {
            allowed.add(c.getName());
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            String name = fields.next().getKey();
            if (!allowed.contains(name)) {
                return path + ": unknown field '" + name + "'; the fields are " + allowed;
            }
        }
        for (RecordComponent c : components) {
            String e = find(node.get(c.getName()), c.getGenericType(), path + "." + c.getName());
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }
}
