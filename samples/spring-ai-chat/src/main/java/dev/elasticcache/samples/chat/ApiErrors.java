package dev.elasticcache.samples.chat;

import dev.elasticcache.engine.EngineDrainingException;
import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.EngineRefusedException;
import dev.elasticcache.engine.GenerationTimeoutException;
import java.util.concurrent.CancellationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Maps engine errors of the {@code /api} endpoints to RFC 9457 problem details: invalid input 400 (the message
 * names the fix), a full queue 429 with {@code Retry-After}, a draining instance (shutting down) 503 with
 * {@code Retry-After} (a load balancer sends it elsewhere), a generation timeout or a closed engine 503.
 */
@RestControllerAdvice(assignableTypes = {ChatController.class, DecodeController.class})
public class ApiErrors {

    @ExceptionHandler(EngineOverloadedException.class)
    ResponseEntity<ProblemDetail> overloaded(EngineOverloadedException e) {
        return problem(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), e.retryAfterSeconds());
    }

    @ExceptionHandler(EngineDrainingException.class)
    ResponseEntity<ProblemDetail> draining(EngineDrainingException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), e.retryAfterSeconds());
    }

    @ExceptionHandler(GenerationTimeoutException.class)
    ResponseEntity<ProblemDetail> timeout(GenerationTimeoutException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), null);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage(), null);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return problem(HttpStatus.BAD_REQUEST, "the request body is not valid JSON for this endpoint: "
                + e.getMostSpecificCause().getMessage(), null);
    }

    @ExceptionHandler({IllegalStateException.class, CancellationException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), null);
    }

    /** The HTTP status an engine error maps to (also reported inside a stream that already started). */
    static HttpStatus statusOf(Throwable e) {
        if (e instanceof EngineOverloadedException) {
            return HttpStatus.TOO_MANY_REQUESTS;
        }
        if (e instanceof IllegalArgumentException) {
            return HttpStatus.BAD_REQUEST;
        }
        if (e instanceof EngineDrainingException || e instanceof GenerationTimeoutException || e instanceof IllegalStateException
                || e instanceof CancellationException) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The {@code Retry-After} of an engine refusal, or null for other errors. */
    static Long retryAfterOf(Throwable e) {
        return e instanceof EngineRefusedException refused ? Long.valueOf(refused.retryAfterSeconds()) : null;
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail, Long retryAfter) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        }
        return response.body(body);
    }
}
