package dev.leadline.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.x connection's deadlines, in its Netty pipeline (Vert.x has no option for them):
 * <ul>
 *   <li>idle: with no request in progress and no response pending, a connection that sends nothing for
 *       {@code http.idle-timeout-seconds} is closed. Vert.x's own idle timeout would also cut a slow
 *       request that is still being answered (a synchronous summary run), so it is not used;</li>
 *   <li>request read: once a request's first byte arrives, the whole request, headers and body, must
 *       arrive within {@code http.request-read-timeout-seconds}, else 408 (if nothing was answered yet)
 *       and the connection is closed. Trickling a byte every few seconds no longer holds it open;</li>
 *   <li>request smuggling: a request with both Content-Length and Transfer-Encoding is refused (Netty
 *       would drop Content-Length and read it chunked); Vert.x answers the bad message 400 and closes.</li>
 * </ul>
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final byte[] TIMEOUT_BODY = "{\"error\":\"request_timeout\",\"detail\":\"the request was not received in time\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final long idleMillis;
    private final long readMillis;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> idle;
    private ScheduledFuture<?> readDeadline;
    private boolean readingRequest;
    private boolean answeredSinceRequestStart;
    private int responsesPending;

    private ConnectionGuard(long idleMillis, long readMillis) {
        this.idleMillis = idleMillis;
        this.readMillis = readMillis;
    }

    /** Installs the guard on a new HTTP/1.x connection; an HTTP/2 pipeline (h2c, when enabled) is left as it is. */
    static void install(ChannelPipeline pipeline, HttpServerOptions options, long idleMillis, long readMillis) {
        if (pipeline.get("httpDecoder") == null || pipeline.get("httpEncoder") == null) {
            return;
        }
        ConnectionGuard guard = new ConnectionGuard(idleMillis, readMillis);
        pipeline.replace("httpDecoder", "httpDecoder", guard.new Decoder(options));
        pipeline.addAfter("httpEncoder", "leadlineConnectionGuard", guard);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        armIdle();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel(idle);
        cancel(readDeadline);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel(idle);
        cancel(readDeadline);
        super.channelInactive(ctx);
    }

    /** Raw bytes reached the decoder: a request starts (or goes on). */
    private void bytesArrived() {
        cancel(idle);
        idle = null;
        if (!readingRequest) {
            readingRequest = true;
            answeredSinceRequestStart = false;
            readDeadline = ctx.executor().schedule(this::readTimedOut, readMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof LastHttpContent) {
            // the whole request is in: its deadline is met, and the connection waits for our answer
            readingRequest = false;
            cancel(readDeadline);
            readDeadline = null;
            responsesPending++;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse) {
            answeredSinceRequestStart = true;
        }
        if (msg instanceof LastHttpContent) {
            responsesPending = Math.max(0, responsesPending - 1);
            if (responsesPending == 0 && !readingRequest) {
                armIdle();
            }
        }
        super.write(ctx, msg, promise);
    }

    private void armIdle() {
        cancel(idle);
        idle = ctx.executor().schedule(() -> {
            if (!readingRequest && responsesPending == 0) {
                LOG.debug("Closing {}: idle for {} ms", ctx.channel().remoteAddress(), idleMillis);
                ctx.close();
            }
        }, idleMillis, TimeUnit.MILLISECONDS);
    }

    private void readTimedOut() {
        if (!readingRequest || !ctx.channel().isActive()) {
            return;
        }
        LOG.info("Closing {}: a request was not received within {} ms (http.request-read-timeout-seconds)",
                ctx.channel().remoteAddress(), readMillis);
        if (answeredSinceRequestStart || responsesPending > 0) {
            ctx.close();
            return;
        }
        DefaultFullHttpResponse timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(TIMEOUT_BODY));
        timeout.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, TIMEOUT_BODY.length)
                .set(HttpHeaderNames.CONNECTION, "close")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        // written from here, it goes through the HTTP encoder only, not through Vert.x
        ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** Vert.x's request decoder, which tells the guard when bytes arrive and refuses Content-Length with Transfer-Encoding. */
    private final class Decoder extends VertxHttpRequestDecoder {

        Decoder(HttpServerOptions options) {
            super(options);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (buffer.isReadable()) {
                bytesArrived();
            }
            super.decode(ctx, buffer, out);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            // Netty's default drops Content-Length and reads the body chunked; a proxy in front may have
            // read it by Content-Length: the two disagree on where the request ends. Refused (400).
            throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
        }
    }
}
