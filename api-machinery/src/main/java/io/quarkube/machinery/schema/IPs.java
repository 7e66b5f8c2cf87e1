package io.quarkube.machinery.schema;

/**
 * Go's IP parsing for the {@code ipv4}, {@code ipv6}, {@code cidr} and {@code mac} formats, without name lookups:
 * {@code net.ParseIP} (strict: no leading zeros in dotted quads) and k8s.io/utils' {@code ParseIPSloppy} (the
 * pre-Go-1.17 parser, which accepts them), {@code ParseCIDRSloppy} and {@code net.ParseMAC}.
 */
final class IPs {

    private IPs() {
    }

    /** The 4 or 16 address bytes, or null. */
    static byte[] parseStrict(String s) {
        return parse(s, false);
    }

    static byte[] parseSloppy(String s) {
        return parse(s, true);
    }

    private static byte[] parse(String s, boolean sloppy) {
        if (s.indexOf(':') >= 0) {
            return parseIPv6(s, sloppy);
        }
        if (s.indexOf('.') >= 0) {
            return parseIPv4(s, sloppy);
        }
        return null;
    }

    static byte[] parseIPv4(String s, boolean sloppy) {
        byte[] out = new byte[4];
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > (sloppy ? 10 : 3)) {
                return null;
            }
            if (!sloppy && p.length() > 1 && p.charAt(0) == '0') {
                return null;
            }
            int n = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                n = n * 10 + (c - '0');
                if (n > 0xff) {
                    return null;
                }
            }
            out[i] = (byte) n;
        }
        return out;
    }

    static byte[] parseIPv6(String s, boolean sloppy) {
        byte[] ip = new byte[16];
        int ellipsis = -1;
        int i = 0;
        int j = 0;
        if (s.startsWith("::")) {
            ellipsis = 0;
            i = 2;
            if (i == s.length()) {
                return ip;
            }
        }
        while (j < 16) {
            int start = i;
            int n = 0;
            while (i < s.length() && i - start < 5) {
                int d = hexVal(s.charAt(i));
                if (d < 0) {
                    break;
                }
                n = n * 16 + d;
                i++;
            }
            if (i == start || i - start > 4) {
                return null;
            }
            if (i < s.length() && s.charAt(i) == '.') {
                if (ellipsis < 0 && j != 12) {
                    return null;
                }
                if (j + 4 > 16) {
                    return null;
                }
                byte[] v4 = parseIPv4(s.substring(start), sloppy);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, ip, j, 4);
                i = s.length();
                j += 4;
                break;
            }
            ip[j] = (byte) (n >> 8);
            ip[j + 1] = (byte) n;
            j += 2;
            if (i == s.length()) {
                break;
            }
            if (s.charAt(i) != ':' || i + 1 == s.length()) {
                return null;
            }
            i++;
            if (s.charAt(i) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = j;
                i++;
                if (i == s.length()) {
                    break;
                }
            }
        }
        if (i != s.length()) {
            return null;
        }
        if (j < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int n = 16 - j;
            for (int k = j - 1; k >= ellipsis; k--) {
                ip[k + n] = ip[k];
            }
            for (int k = ellipsis + n - 1; k >= ellipsis; k--) {
                ip[k] = 0;
            }
        } else if (ellipsis >= 0) {
            return null; // an ellipsis must stand for at least one group
        }
        return ip;
    }

    static boolean isCIDRSloppy(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String addr = s.substring(0, slash);
        String mask = s.substring(slash + 1);
        byte[] ip = parseSloppy(addr);
        if (ip == null || mask.isEmpty() || mask.length() > 9) {
            return false;
        }
        int n = 0;
        for (int i = 0; i < mask.length(); i++) {
            char c = mask.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            n = n * 10 + (c - '0');
        }
        int bits = addr.indexOf(':') >= 0 ? 128 : 32;
        return n <= bits;
    }

    static boolean isMAC(String s) {
        if (s.length() < 14) {
            return false;
        }
        if (s.charAt(2) == ':' || s.charAt(2) == '-') {
            if ((s.length() + 1) % 3 != 0) {
                return false;
            }
            int n = (s.length() + 1) / 3;
            if (n != 6 && n != 8 && n != 20) {
                return false;
            }
            char sep = s.charAt(2);
            for (int i = 0, x = 0; i < n; i++, x += 3) {
                if (!hex(s, x, 2) || (x + 2 < s.length() && s.charAt(x + 2) != sep)) {
                    return false;
                }
            }
            return true;
        }
        if (s.charAt(4) == '.') {
            if ((s.length() + 1) % 5 != 0) {
                return false;
            }
            int n = 2 * (s.length() + 1) / 5;
            if (n != 6 && n != 8 && n != 20) {
                return false;
            }
            for (int x = 0; x < s.length(); x += 5) {
                if (!hex(s, x, 4) || (x + 4 < s.length() && s.charAt(x + 4) != '.')) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean hex(String s, int from, int len) {
        if (from + len > s.length()) {
            return false;
        }
        for (int i = from; i < from + len; i++) {
            if (hexVal(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int hexVal(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
