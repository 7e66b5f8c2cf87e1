/**
 * kubectl's JSONPath (client-go {@code util/jsonpath}) on Jackson trees, and the cells of CRD
 * {@code additionalPrinterColumns} as upstream's CRD table convertor renders them.
 */
package io.quarkube.machinery.jsonpath;
