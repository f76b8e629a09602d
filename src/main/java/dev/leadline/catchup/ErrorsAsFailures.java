package dev.leadline.catchup;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Runs a catch-up's page walk so that whatever it throws reaches the route's doCatch. Camel catches
 * Exceptions only: an Error (an OutOfMemoryError of a page too large for the heap, a StackOverflowError)
 * thrown by a step goes up the caller's stack, past every doCatch and doFinally, and the run's record would
 * stay "running". Here it becomes the exchange's exception, a {@link CatchUpFailure.Fatal}; the memory a
 * failed page held is garbage once its exchange lets go of it.
 */
public final class ErrorsAsFailures {

    private volatile ProducerTemplate template;

    /** Sends the exchange itself to uri (a direct: route): its variables are the caller's, before and after. */
    public void send(String uri, Exchange exchange) {
        try {
            template(exchange.getContext()).send(uri, exchange);
        } catch (Error error) {
            exchange.setException(new CatchUpFailure.Fatal(error));
        }
    }

    private ProducerTemplate template(CamelContext context) {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }
}
