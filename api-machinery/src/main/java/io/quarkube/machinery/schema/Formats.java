package io.quarkube.machinery.schema;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * String formats of CRD schemas: which ones upstream's apiextensions-apiserver keeps (others are ignored, as
 * {@code StripUnsupportedFormatsPostProcessorForVersion} does) and the checks of kube-openapi's default
 * {@code strfmt} registry. Names are normalised like go-openapi's: dashes removed, so {@code date-time} is
 * {@code datetime}.
 */
final class Formats {

    private Formats() {
    }

    /** Formats a CRD may use on strings (or untyped values), normalised; k8s-* since 1.34. */
    static final Set<String> SUPPORTED_STRING_FORMATS = Set.of("bsonobjectid", "uri", "email", "hostname", "ipv4",
            "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn",
            "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime", "k8sshortname",
            "k8slongname");

    static String normalize(String name) {
        return name.replace("-", "");
    }

    /**
     * The format the validator honours for a schema with these types: upstream drops formats it does not support
     * for the type ({@code int32}/{@code int64} on integers, {@code float}/{@code double} on numbers, the string
     * formats above on strings and untyped values, nothing on other types).
     */
    static String effectiveFormat(String format, java.util.List<String> types) {
        if (format.isEmpty()) {
            return format;
        }
        String t = types.size() == 1 ? types.get(0) : "";
        switch (t) {
            case "":
            case "string":
                return SUPPORTED_STRING_FORMATS.contains(normalize(format)) ? format : "";
            case "integer":
                return format.equals("int32") || format.equals("int64") ? format : "";
            case "number":
                return format.equals("float") || format.equals("double") ? format : "";
            default:
                return "";
        }
    }

    private static final String HOSTNAME_PATTERN = "^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|"
            + "([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}"
            + "([a-zA-Z\\p{L}]){2,63})$";
    private static final Pattern HOSTNAME = Pattern.compile(HOSTNAME_PATTERN);
    private static final Pattern UUID = Pattern.compile(
            "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 = Pattern.compile(
            "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID4 = Pattern.compile(
            "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern UUID5 = Pattern.compile(
            "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern CREDIT_CARD = Pattern.compile("^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|"
            + "6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11})$");
    private static final Pattern ISBN10 = Pattern.compile("^(?:[0-9]{9}X|[0-9]{10})$");
    private static final Pattern ISBN13 = Pattern.compile("^(?:[0-9]{13})$");
    private static final Pattern HEXCOLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final Pattern RGBCOLOR = Pattern.compile("^rgb\\(\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,"
            + "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*\\)$");
    private static final Pattern BASE64 = Pattern.compile(
            "^(?:[A-Za-z0-9+\\/]{4})*(?:[A-Za-z0-9+\\/]{2}==|[A-Za-z0-9+\\/]{3}=|[A-Za-z0-9+\\/]{4})$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
    private static final Pattern DATE = Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})$");
    private static final Pattern DATE_TIME_TIME = Pattern.compile(
            "^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$");
    private static final Pattern SHORT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern LONG_NAME = Pattern.compile(
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern EMAIL_ADDR = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|\\[[^\\[\\]\\\\]*])$");
    private static final Pattern EMAIL_NAMED = Pattern.compile("^[^<>]*<([^<>]+)>\\s*$");
    private static final Pattern GO_DURATION = Pattern.compile(
            "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$");
    private static final Pattern SCALA_DURATION = Pattern.compile("((\\d+)\\s*([A-Za-z\u00b5]+))");
    private static final String[][] TIME_UNITS = {{"ns", "nano"}, {"us", "\u00b5s", "micro"}, {"ms", "milli"},
        {"s", "sec"}, {"m", "min"}, {"h", "hr", "hour"}, {"d", "day"}, {"w", "wk", "week"}};

    private static final Map<String, Predicate<String>> REGISTRY = Map.ofEntries(
            Map.entry("uri", Formats::isRequestURI),
            Map.entry("email", Formats::isEmail),
            Map.entry("hostname", Formats::isHostname),
            Map.entry("ipv4", s -> IPs.parseSloppy(s) != null && s.contains(".")),
            Map.entry("ipv6", s -> IPs.parseStrict(s) != null && s.contains(":")),
            Map.entry("cidr", IPs::isCIDRSloppy),
            Map.entry("mac", IPs::isMAC),
            Map.entry("uuid", s -> UUID.matcher(s).find()),
            Map.entry("uuid3", s -> UUID3.matcher(s).find()),
            Map.entry("uuid4", s -> UUID4.matcher(s).find()),
            Map.entry("uuid5", s -> UUID5.matcher(s).find()),
            Map.entry("isbn", s -> isISBN(s, 10) || isISBN(s, 13)),
            Map.entry("isbn10", s -> isISBN(s, 10)),
            Map.entry("isbn13", s -> isISBN(s, 13)),
            Map.entry("creditcard", Formats::isCreditCard),
            Map.entry("ssn", s -> s.length() == 11 && SSN.matcher(s).find()),
            Map.entry("hexcolor", s -> HEXCOLOR.matcher(s).find()),
            Map.entry("rgbcolor", s -> RGBCOLOR.matcher(s).find()),
            Map.entry("byte", s -> BASE64.matcher(s).find()),
            Map.entry("password", s -> true),
            Map.entry("date", Formats::isDate),
            Map.entry("datetime", Formats::isDateTime),
            Map.entry("duration", Formats::isDuration),
            Map.entry("bsonobjectid", s -> s.length() == 24 && s.chars().allMatch(Formats::isHex)),
            Map.entry("k8sshortname", s -> s.length() <= 63 && SHORT_NAME.matcher(s).find()),
            Map.entry("k8slongname", s -> s.length() <= 253 && LONG_NAME.matcher(s).find()));

    /** Whether kube-openapi's registry knows the format ({@code ContainsName}). */
    static boolean known(String format) {
        return REGISTRY.containsKey(normalize(format));
    }

    /** Whether {@code value} is valid for a known format. */
    static boolean validates(String format, String value) {
        Predicate<String> p = REGISTRY.get(normalize(format));
        return p == null || p.test(value);
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    static boolean isHostname(String s) {
        if (!HOSTNAME.matcher(s).find() || s.length() > 255) {
            return false;
        }
        for (String part : s.split("\\.", -1)) {
            if (part.length() > 63) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code time.Parse("2006-01-02", s)}. */
    static boolean isDate(String s) {
        Matcher m = DATE.matcher(s);
        if (!m.matches()) {
            return false;
        }
        try {
            LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** kube-openapi's {@code IsDateTime}: a date, a {@code t}, a time with zone; hours and minutes checked loosely. */
    static boolean isDateTime(String str) {
        if (str.length() < 4) {
            return false;
        }
        String[] s = str.toLowerCase(java.util.Locale.ROOT).split("t", -1);
        if (s.length < 2 || !isDate(s[0])) {
            return false;
        }
        Matcher m = DATE_TIME_TIME.matcher(s[1]);
        if (!m.find()) {
            return false;
        }
        return m.group(1).compareTo("23") <= 0 && m.group(2).compareTo("59") <= 0 && m.group(3).compareTo("59") <= 0;
    }

    /** Go's {@code time.ParseDuration}, else the Scala-like "3 days" kube-openapi also accepts. */
    static boolean isDuration(String s) {
        if (GO_DURATION.matcher(s).matches()) {
            return true;
        }
        Matcher m = SCALA_DURATION.matcher(s);
        boolean ok = false;
        while (m.find()) {
            try {
                Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                return false;
            }
            String unit = m.group(3).trim().toLowerCase(java.util.Locale.ROOT);
            for (String[] variants : TIME_UNITS) {
                int last = variants.length - 1;
                for (int i = 0; i < variants.length; i++) {
                    if (i == last && unit.startsWith(variants[i]) || variants[i].equalsIgnoreCase(unit)) {
                        ok = true;
                    }
                }
            }
        }
        return ok;
    }

    /** Roughly Go's {@code net/mail.ParseAddress}: {@code a@b} or {@code Name <a@b>}. */
    static boolean isEmail(String s) {
        String t = s.trim();
        Matcher named = EMAIL_NAMED.matcher(t);
        if (named.matches()) {
            t = named.group(1).trim();
        }
        return EMAIL_ADDR.matcher(t).matches();
    }

    /** Roughly Go's {@code url.ParseRequestURI}: an absolute URI or an absolute path. */
    static boolean isRequestURI(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        String rest = s;
        int colon = schemeEnd(s);
        if (colon == 0) {
            return false; // missing protocol scheme
        }
        boolean hasScheme = colon > 0;
        if (hasScheme) {
            rest = s.substring(colon + 1);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (!rest.startsWith("/")) {
            return hasScheme; // an opaque URI needs a scheme; a path must be absolute
        }
        if (hasScheme && rest.startsWith("//")) {
            String authority = rest.substring(2);
            int slash = authority.indexOf('/');
            String path = slash >= 0 ? authority.substring(slash) : "";
            authority = slash >= 0 ? authority.substring(0, slash) : authority;
            int at = authority.lastIndexOf('@');
            String host = at >= 0 ? authority.substring(at + 1) : authority;
            if (!validHost(host)) {
                return false;
            }
            rest = path;
        }
        return validEscapes(rest);
    }

    private static int schemeEnd(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                continue;
            }
            if ((c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') && i > 0) {
                continue;
            }
            if (c == ':') {
                return i;
            }
            return -1;
        }
        return -1;
    }

    private static boolean validHost(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            String port = host.substring(close + 1);
            return port.isEmpty() || port.matches(":[0-9]*");
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && !host.substring(colon + 1).matches("[0-9]*")) {
            return false;
        }
        return validEscapes(host);
    }

    private static boolean validEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '%') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean isCreditCard(String str) {
        String sanitized = str.replaceAll("[^0-9]+", "");
        if (!CREDIT_CARD.matcher(sanitized).find()) {
            return false;
        }
        int sum = 0;
        boolean shouldDouble = false;
        for (int i = sanitized.length() - 1; i >= 0; i--) {
            int d = sanitized.charAt(i) - '0';
            if (shouldDouble) {
                d *= 2;
                if (d >= 10) {
                    sum += (d % 10) + 1;
                } else {
                    sum += d;
                }
            } else {
                sum += d;
            }
            shouldDouble = !shouldDouble;
        }
        return sum % 10 == 0;
    }

    static boolean isISBN(String str, int version) {
        String s = str.replaceAll("[\\s-]+", "");
        if (version == 10) {
            if (!ISBN10.matcher(s).find()) {
                return false;
            }
            int checksum = 0;
            for (int i = 0; i < 9; i++) {
                checksum += (i + 1) * (s.charAt(i) - '0');
            }
            checksum += s.charAt(9) == 'X' ? 100 : 10 * (s.charAt(9) - '0');
            return checksum % 11 == 0;
        }
        if (!ISBN13.matcher(s).find()) {
            return false;
        }
        int[] factor = {1, 3};
        int checksum = 0;
        for (int i = 0; i < 12; i++) {
            checksum += factor[i % 2] * (s.charAt(i) - '0');
        }
        return (s.charAt(12) - '0') - ((10 - (checksum % 10)) % 10) == 0;
    }
}
