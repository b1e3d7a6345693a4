/** The versioned model bundle (zip of manifest, config and .npy arrays) and its reader and writer. */
package io.github.ple4j.model.io;
