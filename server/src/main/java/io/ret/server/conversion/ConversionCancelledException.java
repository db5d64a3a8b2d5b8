package io.ret.server.conversion;

import java.util.concurrent.CancellationException;

/** The conversion stopped because {@link ConversionProgress#cancelled()} said so; its output is gone. */
public final class ConversionCancelledException extends CancellationException {

    public ConversionCancelledException() {
        super("conversion cancelled");
    }
}
