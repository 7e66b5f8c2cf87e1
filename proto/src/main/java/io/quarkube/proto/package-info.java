/** Protocol definitions (.proto sources) and the Java classes generated from them. */
package io.quarkube.proto;
