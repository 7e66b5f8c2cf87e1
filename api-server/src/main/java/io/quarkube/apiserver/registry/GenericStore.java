package io.quarkube.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.storage.ListResult;
import io.quarkube.apiserver.storage.Storage;
import io.quarkube.apiserver.storage.StorageEvent;
import io.quarkube.apiserver.storage.StorageException;
import io.quarkube.apiserver.storage.StorageWatch;
import io.quarkube.apiserver.storage.StorageWatchListener;
import io.quarkube.apiserver.storage.StoredValue;
import io.quarkube.apiserver.validation.ObjectMetaValidator;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The one store behind every resource, after upstream's generic registry: it owns keys, resourceVersions, uids,
 * timestamps, generation, the status split, finalizers and graceful deletion, and asks the resource's
 * {@link Strategy} for the rest. Every write is one conditional etcd transaction, so a failed request changes
 * nothing.
 */
public final class GenericStore<T extends HasMetadata> {
  private static final int MAX_UNCONDITIONAL_RETRIES = 16;
  private static final String GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ResourceDefinition definition;
  private final Strategy<T> strategy;
  private final Storage storage;
  private final Clock clock;
  private final Set<String> selectableFields;
  @SuppressWarnings("unchecked")
  private volatile StoreHooks<T> hooks = (StoreHooks<T>) StoreHooks.NONE;
  private volatile Optional<Method> statusSetter;
  private volatile WatchCache<T> watchCache;
  /** Null: objects are stored in this resource's own version. */
  private volatile StorageConversion<T> conversion;
  /** The newest etcd revision this API server wrote to this resource (see {@link #lastWriteRevision}). */
  private final java.util.concurrent.atomic.AtomicLong lastWrite = new java.util.concurrent.atomic.AtomicLong();

  @SuppressWarnings("unchecked")
  public GenericStore(ResourceDefinition definition, Strategy<T> strategy, Storage storage, Clock clock) {
    this.definition = definition;
    this.strategy = strategy;
    this.storage = storage;
    this.clock = clock;
    Set<String> fields = new LinkedHashSet<>(List.of("metadata.name"));
    if (definition.namespaced()) {
      fields.add("metadata.namespace");
    }
    fields.addAll(strategy.selectableFields());
    this.selectableFields = Set.copyOf(fields);
  }

  /**
   * Serves this resource's watches from one shared etcd watch that keeps the newest {@code capacity} changes (see
   * {@link WatchCache}); without it every API watch opens an etcd watch of its own.
   */
  public void enableWatchCache(int capacity) {
    watchCache = capacity > 0 ? new WatchCache<>(this, storage, WatchCache.Sizing.fixed(capacity)) : null;
  }

  /** As {@link #enableWatchCache(int)}, with a window of the changes of the last {@code sizing.retention()}. */
  void enableWatchCache(WatchCache.Sizing sizing) {
    watchCache = new WatchCache<>(this, storage, sizing);
  }

  /** How many API watches the watch cache feeds now (0 without a cache). */
  public int cachedWatchers() {
    WatchCache<T> cache = watchCache;
    return cache == null ? 0 : cache.watcherCount();
  }

  /** Installs the resource's side effects (see {@link StoreHooks}). */
  public void setHooks(StoreHooks<T> hooks) {
    this.hooks = hooks;
  }

  public ResourceDefinition definition() {
    return definition;
  }

  public Strategy<T> strategy() {
    return strategy;
  }

  public Set<String> selectableFields() {
    return selectableFields;
  }

  @SuppressWarnings("unchecked")
  public Class<T> type() {
    return (Class<T>) definition.type();
  }

  /**
   * The newest revision this API server has written to this resource (0: none yet). An in-memory copy of the
   * resource that has seen this revision reflects every write acknowledged so far (this API server is etcd's only
   * writer of /registry), so it can answer instead of etcd without losing read-your-writes.
   */
  public long lastWriteRevision() {
    return lastWrite.get();
  }

  private long wrote(long revision) {
    lastWrite.accumulateAndGet(revision, Math::max);
    return revision;
  }

  // ---------------------------------------------------------------- keys

  /** {@code /registry/pods/<ns>/<name>} or {@code /registry/namespaces/<name>}, as upstream lays etcd out. */
  public String key(String namespace, String name) {
    return prefix(namespace) + name;
  }

  /** The key prefix of one namespace, or of the whole resource when {@code namespace} is null. */
  public String prefix(String namespace) {
    String base = "/registry/" + definition.storagePrefix() + "/";
    return definition.namespaced() && namespace != null ? base + namespace + "/" : base;
  }

  // ---------------------------------------------------------------- reads

  public T get(String namespace, String name) {
    return find(namespace, name).orElseThrow(() -> notFound(name));
  }

  public Optional<T> find(String namespace, String name) {
    return storage.get(key(namespace, name)).map(this::decode);
  }

  public ListPage<T> list(String namespace, ListOptions options) {
    List<T> items = new ArrayList<>();
    ListPage<T> page = list(namespace, options, new ListSink<>() {
      @Override
      public void start(long resourceVersion) {}

      @Override
      public void item(T item) {
        items.add(item);
      }
    });
    return new ListPage<>(items, page.resourceVersion(), page.continueToken(), page.remainingItemCount());
  }

  /** Receives a list one item at a time, so that no caller has to hold the whole list (see {@link #list}). */
  public interface ListSink<T> {
    /** Called once, before the first item, with the list's resourceVersion. */
    void start(long resourceVersion);

    /** One item that passed the selectors, in key order. */
    void item(T item);

    /**
     * Whether this sink writes JSON and may get an item as its JSON ({@link #itemJson}) instead of decoded: offered
     * for lists without selectors, where nothing has to look into the items.
     */
    default boolean takesJson() {
      return false;
    }

    /** One item as the bytes encoding it would give (resourceVersion included), for a sink that takes JSON. */
    default void itemJson(byte[] json) {
      throw new UnsupportedOperationException("this sink takes decoded items");
    }
  }

  /** Keys per etcd range request of a list without a limit: each page is decoded, filtered, handed out, dropped. */
  static final int LIST_PAGE_KEYS = 500;
  private int listPageKeys = LIST_PAGE_KEYS;

  /** Smaller etcd pages, so that tests see a list cross page boundaries without creating thousands of objects. */
  void setListPageKeys(int keys) {
    listPageKeys = keys;
  }

  int listPageKeys() {
    return listPageKeys;
  }

  /**
   * Lists item by item: each stored value is decoded, filtered by the selectors and handed to {@code sink}, then
   * dropped, so a list of 10,000 pods never holds more than one etcd page of them. Upstream's resourceVersion
   * semantics: unset reads the newest state from etcd (consistent); {@code 0}, or NotOlderThan a revision the watch
   * cache has reached, is served from the watch cache without reading etcd; Exact and continue tokens read etcd at
   * that revision. The answer carries the resourceVersion, continue token and remaining count; its items are empty.
   */
  public ListPage<T> list(String namespace, ListOptions options, ListSink<T> sink) {
    String prefix = prefix(namespace);
    boolean fromContinue = options.continueToken() != null && !options.continueToken().isEmpty();
    if (!fromContinue && options.limit() <= 0) {
      ListPage<T> cached = listFromCache(prefix, options, sink);
      if (cached != null) {
        return cached;
      }
    }
    long revision = 0;
    String startAfter = null;
    if (fromContinue) {
      ContinueToken token = ContinueToken.decode(options.continueToken(), prefix);
      revision = token.latest() ? 0 : token.revision();
      startAfter = token.startAfterKey();
    } else if ("Exact".equals(options.resourceVersionMatch())) {
      revision = parseResourceVersion(options.resourceVersion());
    } else if (options.resourceVersion() != null && !options.resourceVersion().isEmpty()
        && !"0".equals(options.resourceVersion())) {
      long wanted = parseResourceVersion(options.resourceVersion());
      long current = storage.currentRevision();
      if (wanted > current) {
        throw ApiException.timeout("Too large resource version: " + wanted + ", current: " + current);
      }
    }
    boolean filtered = !options.selectsEverything();
    long limit = options.limit();
    long count = 0;
    boolean started = false;
    String lastKey = null;
    boolean more;
    Long remaining = null;
    try {
      while (true) {
        long batch = limit <= 0 ? listPageKeys : Math.max(limit - count, filtered ? 100 : 0);
        ListResult page = storage.list(prefix, startAfter, revision, batch);
        revision = page.revision();
        if (!started) {
          sink.start(revision);
          started = true;
        }
        more = page.more();
        if (!filtered && limit > 0) {
          // As upstream: only an unfiltered list knows how many items follow (a selector could drop any of them).
          remaining = page.count() - page.items().size();
        }
        List<StoredValue> values = page.items();
        for (int i = 0; i < values.size(); i++) {
          StoredValue v = values.get(i);
          lastKey = v.key();
          if (handOut(v, options, filtered, sink)) {
            count++;
            if (limit > 0 && count >= limit) {
              more = more || i < values.size() - 1;
              break;
            }
          }
        }
        if (!more || values.isEmpty() || (limit > 0 && count >= limit)) {
          break;
        }
        startAfter = values.get(values.size() - 1).key();
        lastKey = startAfter;
      }
    } catch (StorageException.Compacted e) {
      if (!fromContinue) { // an Exact list at a compacted revision, as upstream's interpretListError says it
        throw ApiException.gone("The resourceVersion for the provided list is too old.");
      }
      // Upstream's handleCompactedErrorForPaging: a token from the same key at the newest revision.
      throw ApiException.goneWithContinue("The provided continue parameter is too old to display a consistent list "
          + "result. You can start a new list without the continue parameter, or use the continue token in this "
          + "response to retrieve the remainder of the results. Continuing with the provided token results in an "
          + "inconsistent list - objects that were created, modified, or deleted between the time the first chunk "
          + "was returned and now may show up in the list.",
          new ContinueToken(ContinueToken.LATEST, startAfter).encode(prefix));
    }
    String next = null;
    if (limit > 0 && more && lastKey != null) {
      next = new ContinueToken(revision, lastKey).encode(prefix);
    }
    return new ListPage<>(List.of(), revision, next, next == null || remaining == null || remaining <= 0 ? null
        : remaining);
  }

  /**
   * A list served from the watch cache (upstream: resourceVersion 0 = any state at least as new as the cache's
   * start; NotOlderThan N = the cache once it has reached N), or null when it must read etcd.
   */
  private ListPage<T> listFromCache(String prefix, ListOptions options, ListSink<T> sink) {
    WatchCache<T> cache = watchCache;
    String rv = options.resourceVersion();
    if (cache == null || rv == null || rv.isEmpty() || "Exact".equals(options.resourceVersionMatch())) {
      return null;
    }
    long notOlderThan = "0".equals(rv) ? 0 : parseResourceVersion(rv);
    WatchCache.Snapshot snapshot = cache.snapshot(prefix, notOlderThan);
    if (snapshot == null) {
      return null;
    }
    sink.start(snapshot.revision());
    boolean filtered = !options.selectsEverything();
    for (StoredValue v : snapshot.values()) {
      handOut(v, options, filtered, sink);
    }
    return new ListPage<>(List.of(), snapshot.revision(), null, null);
  }

  /**
   * One stored item to a list's sink: as its stored JSON with the resourceVersion put back when no selector has to
   * look at it and the sink writes JSON (a tenth of the CPU of decoding and encoding it again), else decoded and
   * filtered. Answers whether it was handed out.
   */
  private boolean handOut(StoredValue v, ListOptions options, boolean filtered, ListSink<T> sink) {
    if (!filtered && sink.takesJson() && !strategy.defaultsOnRead()) {
      byte[] json = StoredJson.withResourceVersion(v.value(), v.modRevision(), definition.apiVersion());
      if (json != null) {
        sink.itemJson(json);
        return true;
      }
    }
    T obj = decode(v);
    if (!matches(obj, options)) {
      return false;
    }
    sink.item(obj);
    return true;
  }

  public boolean matches(T obj, ListOptions options) {
    return options.labels().matches(obj.getMetadata().getLabels())
        && (options.fields().isEverything() || options.fields().matches(fieldValues(obj)));
  }

  public Map<String, String> fieldValues(T obj) {
    Map<String, String> values = new HashMap<>(strategy.fieldValues(obj));
    values.put("metadata.name", Objects.toString(obj.getMetadata().getName(), ""));
    if (definition.namespaced()) {
      values.put("metadata.namespace", Objects.toString(obj.getMetadata().getNamespace(), ""));
    }
    return values;
  }

  // ---------------------------------------------------------------- create

  public T create(String namespace, T object, boolean dryRun) {
    return create(namespace, object, dryRun, null);
  }

  /**
   * Creates the object; with a {@code fieldManager} the write is recorded in {@code metadata.managedFields} (null
   * for writes that already carry their managed fields, such as server-side apply, or internal ones).
   */
  public T create(String namespace, T object, boolean dryRun, String fieldManager) {
    return createWritten(namespace, object, dryRun, fieldManager).object();
  }

  /** {@link #create(String, HasMetadata, boolean, String)} with the created object's JSON for the response. */
  public Written<T> createWritten(String namespace, T object, boolean dryRun, String fieldManager) {
    ObjectMeta meta = metadataOf(object);
    checkNamespace(namespace, meta);
    boolean generated = (meta.getName() == null || meta.getName().isEmpty()) && meta.getGenerateName() != null
        && !meta.getGenerateName().isEmpty();
    if (generated) {
      meta.setName(generateName(meta.getGenerateName()));
    }
    object.setApiVersion(definition.apiVersion());
    meta.setUid(UUID.randomUUID().toString());
    meta.setCreationTimestamp(now());
    meta.setResourceVersion(null);
    meta.setDeletionTimestamp(null);
    meta.setDeletionGracePeriodSeconds(null);
    meta.setSelfLink(null);
    meta.setGeneration(strategy.tracksGeneration() ? 1L : null);
    if (definition.hasStatus() && strategy.resetsStatusOnCreate()) {
      object = withStatus(object, null);
    }
    strategy.prepareForCreate(object);
    validateCreate(object);
    if (fieldManager != null) {
      object = trackManagedFields(null, object, fieldManager, null);
    }
    StoreHooks.Undo undo = hooks.beginCreate(object, dryRun);
    boolean stored = false;
    try {
      if (dryRun) {
        return new Written<>(object, null);
      }
      VersionedJson json = encodeForStorage(object);
      for (int attempt = 0; ; attempt++) {
        try {
          long rev = wrote(storage.create(key(namespace, object.getMetadata().getName()), json.stored()));
          object.getMetadata().setResourceVersion(Long.toString(rev));
          stored = true;
          return new Written<>(object, conversion == null ? json.withResourceVersion(rev) : null);
        } catch (StorageException.KeyExists e) {
          if (!generated || attempt >= 8) {
            throw ApiException.alreadyExists(definition.group(), definition.resource(),
                object.getMetadata().getName());
          }
          // A generated name collided: draw another, as a client retrying would.
          object.getMetadata().setName(generateName(object.getMetadata().getGenerateName()));
          json = encodeForStorage(object);
        } catch (StorageException e) {
          throw StorageFailures.toApi(e);
        }
      }
    } finally {
      if (!stored) {
        undo.run();
      }
    }
  }

  // ---------------------------------------------------------------- update

  /**
   * PUT of the main resource ({@code subresource} null) or of its status. A resourceVersion in the object makes the
   * write conditional (409 Conflict when stale); without one the write applies to whatever is stored.
   */
  public T update(String namespace, String name, T object, String subresource, boolean dryRun) {
    return update(namespace, name, object, subresource, dryRun, null);
  }

  public T update(String namespace, String name, T object, String subresource, boolean dryRun,
      String fieldManager) {
    return updateWritten(namespace, name, object, subresource, dryRun, fieldManager).object();
  }

  /** {@link #update(String, String, HasMetadata, String, boolean, String)} with the JSON for the response. */
  public Written<T> updateWritten(String namespace, String name, T object, String subresource, boolean dryRun,
      String fieldManager) {
    ObjectMeta meta = metadataOf(object);
    if (meta.getName() != null && !meta.getName().isEmpty() && !meta.getName().equals(name)) {
      throw ApiException.badRequest("the name of the object (" + meta.getName()
          + ") does not match the name on the URL (" + name + ")");
    }
    meta.setName(name);
    checkNamespace(namespace, meta);
    String expected = meta.getResourceVersion();
    final T incoming = object;
    // The transform replaces the stored object whole: it needs no copy of it (null).
    return guaranteedUpdate(namespace, name, expected, subresource, dryRun, fieldManager, current -> incoming,
        UpdateMode.REPLACE);
  }

  /**
   * Reads the stored object, lets {@code transform} produce the new one (it may be called again after a conflict
   * when no resourceVersion was required), and writes it with a compare-and-swap on the revision it read.
   */
  public T guaranteedUpdate(String namespace, String name, String expectedResourceVersion, String subresource,
      boolean dryRun, UnaryOperator<T> transform) {
    return guaranteedUpdate(namespace, name, expectedResourceVersion, subresource, dryRun, null, transform);
  }

  /** {@link #guaranteedUpdate} that records the change under {@code fieldManager} in managedFields. */
  public T guaranteedUpdate(String namespace, String name, String expectedResourceVersion, String subresource,
      boolean dryRun, String fieldManager, UnaryOperator<T> transform) {
    return guaranteedUpdateWritten(namespace, name, expectedResourceVersion, subresource, dryRun, fieldManager,
        transform).object();
  }

  /** {@link #guaranteedUpdate} with the JSON of the written object for the response. */
  public Written<T> guaranteedUpdateWritten(String namespace, String name, String expectedResourceVersion,
      String subresource, boolean dryRun, String fieldManager, UnaryOperator<T> transform) {
    return guaranteedUpdate(namespace, name, expectedResourceVersion, subresource, dryRun, fieldManager, transform,
        UpdateMode.TRANSFORM);
  }

  /**
   * Changes the stored object through {@code transform} straight in storage, as upstream's pod binding does
   * ({@code assignPod}): the resource's strategy does not run (no defaults, validation, generation or managed fields)
   * and the transform alone decides what may change. It gets the one decoded copy of the stored object (the strategy's
   * comparisons need a second one: two decodes were a sixth of the API server's work per scheduled pod). Retried on a
   * concurrent write like {@link #guaranteedUpdate}.
   */
  public T updateInStorage(String namespace, String name, String subresource, boolean dryRun,
      UnaryOperator<T> transform) {
    return guaranteedUpdate(namespace, name, null, subresource, dryRun, null, transform, UpdateMode.IN_STORAGE)
        .object();
  }

  /** How {@link #guaranteedUpdate} comes to the new object. */
  private enum UpdateMode {
    /** The transform returns a whole new object: it gets no copy of the stored one. */
    REPLACE,
    /** The transform changes its own copy of the stored object; the strategy prepares and validates the result. */
    TRANSFORM,
    /** As TRANSFORM, without the strategy ({@link #updateInStorage}). */
    IN_STORAGE
  }

  private Written<T> guaranteedUpdate(String namespace, String name, String expectedResourceVersion,
      String subresource, boolean dryRun, String fieldManager, UnaryOperator<T> transform, UpdateMode mode) {
    String key = key(namespace, name);
    Current current = currentForWrite(key, name, dryRun);
    // Without the strategy the stored object is only needed for the store's hooks (none for most resources).
    boolean needsOld = mode != UpdateMode.IN_STORAGE || hooks != StoreHooks.NONE;
    for (int attempt = 0; ; attempt++) {
      StoredValue stored = current.value();
      T old;
      T updated;
      VersionedJson json;
      StoreHooks.Undo undo;
      try {
        if (expectedResourceVersion != null && !expectedResourceVersion.isEmpty()
            && !expectedResourceVersion.equals(Long.toString(stored.modRevision()))) {
          throw conflict(name);
        }
        old = needsOld ? decode(stored) : null;
        // A second decode of the stored bytes is the transform's private copy (cheaper than serializing old again).
        updated = transform.apply(mode == UpdateMode.REPLACE ? null : decode(stored));
        metadataOf(updated);
        updated.setApiVersion(definition.apiVersion());
        if (mode != UpdateMode.IN_STORAGE) {
          updated = prepareUpdate(updated, old, subresource);
        }
        if (fieldManager != null) {
          updated = trackManagedFields(old, updated, fieldManager, subresource);
        }
        json = encodeForStorage(updated);
        if (Arrays.equals(json.stored(), stored.value())) {
          if (!current.fresh()) {
            current = read(key, name); // "nothing to change" is only known against etcd's value
            continue;
          }
          return new Written<>(old != null ? old : updated, null);
        }
        undo = hooks.beginUpdate(updated, old, dryRun);
      } catch (RuntimeException e) {
        if (current.fresh()) {
          throw e;
        }
        // Decided on the cache's value, which may be behind: decided again on etcd's before failing (as upstream).
        current = read(key, name);
        continue;
      }
      boolean written = false;
      try {
        if (dryRun) {
          return new Written<>(updated, null);
        }
        if (isDeletable(updated)) {
          long rev = wrote(storage.delete(key, stored.modRevision()));
          updated.getMetadata().setResourceVersion(Long.toString(rev));
          written = true;
          hooks.afterDelete(updated);
          return new Written<>(updated, null);
        }
        // Serialized again when hooks ran: a begin hook may have filled fields (a Service's ClusterIP or NodePorts).
        if (hooks != StoreHooks.NONE) {
          json = encodeForStorage(updated);
        }
        long rev = wrote(storage.update(key, json.stored(), stored.modRevision()));
        updated.getMetadata().setResourceVersion(Long.toString(rev));
        written = true;
        hooks.afterUpdate(updated, old);
        // An after hook may change the object it returns: then its JSON is encoded again.
        return new Written<>(updated,
            hooks == StoreHooks.NONE && conversion == null ? json.withResourceVersion(rev) : null);
      } catch (StorageException.RevisionMismatch e) {
        if (e.current() == null) {
          throw notFound(name);
        }
        boolean conditional = expectedResourceVersion != null && !expectedResourceVersion.isEmpty();
        if (conditional || attempt >= MAX_UNCONDITIONAL_RETRIES) {
          throw conflict(name);
        }
        current = new Current(e.current(), true); // the failed transaction read etcd's value: no read needed
      } catch (StorageException e) {
        throw StorageFailures.toApi(e);
      } finally {
        if (!written) {
          undo.run();
        }
      }
    }
  }

  private T prepareUpdate(T updated, T old, String subresource) {
    ObjectMeta meta = updated.getMetadata();
    ObjectMeta oldMeta = old.getMetadata();
    if (meta.getUid() != null && !meta.getUid().isEmpty() && !meta.getUid().equals(oldMeta.getUid())) {
      throw ApiException.conflict(definition.group(), definition.resource(), oldMeta.getName(),
          "Precondition failed: UID in precondition: " + meta.getUid() + ", UID in object meta: " + oldMeta.getUid());
    }
    // What a client can never change.
    meta.setUid(oldMeta.getUid());
    meta.setCreationTimestamp(oldMeta.getCreationTimestamp());
    meta.setDeletionTimestamp(oldMeta.getDeletionTimestamp());
    meta.setDeletionGracePeriodSeconds(oldMeta.getDeletionGracePeriodSeconds());
    meta.setNamespace(oldMeta.getNamespace());
    meta.setSelfLink(null);
    if ("status".equals(subresource)) {
      updated = statusOnly(updated, old);
    } else if (subresource == null && definition.hasStatus()) {
      updated = withStatus(updated, statusOf(old));
    }
    updated = strategy.carryOver(subresource, updated, old);
    meta = updated.getMetadata();
    if (strategy.tracksGeneration()) {
      long generation = oldMeta.getGeneration() == null ? 1 : oldMeta.getGeneration();
      meta.setGeneration(specChanged(updated, old) ? generation + 1 : generation);
    } else {
      meta.setGeneration(oldMeta.getGeneration());
    }
    if (oldMeta.getDeletionTimestamp() != null) {
      Set<String> before = new LinkedHashSet<>(nullToEmpty(oldMeta.getFinalizers()));
      for (String f : nullToEmpty(meta.getFinalizers())) {
        if (!before.contains(f)) {
          throw ApiException.invalid(definition.group(), definition.kind(), oldMeta.getName(),
              List.of(FieldError.forbidden("metadata.finalizers", "no new finalizers can be added if the object is "
                  + "being deleted, found new finalizers []string{\"" + f + "\"}")));
        }
      }
    }
    strategy.prepareForUpdate(updated, old);
    validateUpdate(updated, old);
    return updated;
  }

  /**
   * A status write keeps the stored spec and takes status (and managed fields) from the request, as upstream's status
   * strategies do; like them it also takes the request's labels and annotations (upstream's "should patch a pod
   * status" conformance test patches an annotation through {@code pods/status}).
   */
  private T statusOnly(T updated, T old) {
    ObjectNode result = Json.tree(old);
    JsonNode status = Json.tree(updated).get("status");
    if (status == null) {
      result.remove("status");
    } else {
      result.set("status", status);
    }
    T merged = Json.convert(result, type());
    merged.getMetadata().setManagedFields(updated.getMetadata().getManagedFields());
    merged.getMetadata().setLabels(updated.getMetadata().getLabels());
    merged.getMetadata().setAnnotations(updated.getMetadata().getAnnotations());
    return merged;
  }

  private boolean specChanged(T a, T b) {
    ObjectNode x = Json.tree(a);
    ObjectNode y = Json.tree(b);
    x.remove(List.of("metadata", "status", "apiVersion", "kind"));
    y.remove(List.of("metadata", "status", "apiVersion", "kind"));
    return !x.equals(y);
  }

  /** Records who changed which fields (upstream's field manager for non-apply writes). */
  private T trackManagedFields(T before, T after, String manager, String subresource) {
    // Objects stored without managedFields stay untracked, as upstream keeps them; the field manager knows.
    io.quarkube.machinery.apply.ManagedFields managed = io.quarkube.machinery.apply.FieldManager.update(
        before == null ? null : Json.tree(before), Json.tree(after), manager, definition.apiVersion(), subresource,
        clock.instant(), strategy.applySchema(definition), resetFields(subresource));
    after.getMetadata().setManagedFields(ManagedFieldsModel.toModel(managed));
    return after;
  }

  private static final io.quarkube.machinery.apply.FieldSet STATUS = io.quarkube.machinery.apply.FieldSet.of(
      io.quarkube.machinery.apply.FieldPath.fields("status"));
  private static final io.quarkube.machinery.apply.FieldSet SPEC = io.quarkube.machinery.apply.FieldSet.of(
      io.quarkube.machinery.apply.FieldPath.fields("spec"));

  /**
   * Upstream's reset fields (the strategies' GetResetFields): what a write through this endpoint may not own,
   * because the other endpoint writes it. The main resource of a kind with a status subresource never owns status
   * (a create's Pending phase is the API server's, not the creator's); its status subresource never owns spec.
   */
  private io.quarkube.machinery.apply.FieldSet resetFields(String subresource) {
    if (!definition.hasStatus()) {
      return io.quarkube.machinery.apply.FieldSet.empty();
    }
    if (subresource == null || subresource.isEmpty()) {
      return STATUS;
    }
    return "status".equals(subresource) ? SPEC : io.quarkube.machinery.apply.FieldSet.empty();
  }

  /** A key's value a write starts from, and whether it was read from etcd ({@code fresh}) or the watch cache. */
  private record Current(StoredValue value, boolean fresh) {}

  /**
   * The value a write's first attempt starts from: the watch cache's, when it follows etcd and holds the key (upstream's
   * cachedExistingObject: a binding, a status update or a delete then reads nothing from etcd, whose linearizable
   * reads wait behind every pending write), else etcd's. Every write compares the mod revision it started from, so a
   * value that is behind costs a retry, never a lost update; dry runs read etcd.
   */
  private Current currentForWrite(String key, String name, boolean dryRun) {
    WatchCache<T> cache = watchCache;
    StoredValue cached = cache == null || dryRun ? null : cache.current(key);
    return cached != null ? new Current(cached, false) : read(key, name);
  }

  private Current read(String key, String name) {
    return new Current(storage.get(key).orElseThrow(() -> notFound(name)), true);
  }

  // ---------------------------------------------------------------- delete

  public DeleteResult<T> delete(String namespace, String name, DeleteOptions options) {
    String key = key(namespace, name);
    Current start = currentForWrite(key, name, options.dryRun());
    for (int attempt = 0; ; attempt++) {
      StoredValue stored = start.value();
      T current = decode(stored);
      ObjectMeta meta = current.getMetadata();
      boolean preconditionsHold = (options.preconditionUid() == null
          || options.preconditionUid().equals(meta.getUid()))
          && (options.preconditionResourceVersion() == null
          || options.preconditionResourceVersion().equals(meta.getResourceVersion()));
      if (!preconditionsHold && !start.fresh()) {
        start = read(key, name); // the cache may be behind: preconditions fail only against etcd's value
        continue;
      }
      if (options.preconditionUid() != null && !options.preconditionUid().equals(meta.getUid())) {
        throw ApiException.conflict(definition.group(), definition.resource(), name,
            "Precondition failed: UID in precondition: " + options.preconditionUid() + ", UID in object meta: "
                + meta.getUid());
      }
      if (options.preconditionResourceVersion() != null
          && !options.preconditionResourceVersion().equals(meta.getResourceVersion())) {
        throw ApiException.conflict(definition.group(), definition.resource(), name,
            "Precondition failed: ResourceVersion in precondition: " + options.preconditionResourceVersion()
                + ", ResourceVersion in object meta: " + meta.getResourceVersion());
      }
      T next = decode(stored);
      ObjectMeta nextMeta = next.getMetadata();
      List<String> finalizers = new ArrayList<>(nullToEmpty(nextMeta.getFinalizers()));
      addPropagationFinalizer(finalizers, options.propagationPolicy());
      Long grace = strategy.gracePeriodSeconds(current, options.gracePeriodSeconds());
      boolean graceful = grace != null && grace > 0;
      try {
        boolean blocked = !finalizers.isEmpty() || !strategy.deletionBlockers(current).isEmpty();
        if (!blocked && !graceful) {
          long rev = options.dryRun() ? 0 : wrote(storage.delete(key, stored.modRevision()));
          if (!options.dryRun()) {
            hooks.afterDelete(current);
          }
          return new DeleteResult<>(current, true, rev);
        }
        // Held back: finalizers must be removed, or the grace period must pass (the kubelet then deletes with 0).
        nextMeta.setFinalizers(finalizers.isEmpty() ? null : finalizers);
        strategy.markDeleting(next);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (graceful) {
          Instant deadline = now.plusSeconds(grace);
          Long previousGrace = meta.getDeletionGracePeriodSeconds();
          if (meta.getDeletionTimestamp() == null || previousGrace == null || grace < previousGrace) {
            nextMeta.setDeletionTimestamp(DateTimeFormatter.ISO_INSTANT.format(deadline));
            nextMeta.setDeletionGracePeriodSeconds(grace);
          }
        } else if (meta.getDeletionTimestamp() == null) {
          nextMeta.setDeletionTimestamp(DateTimeFormatter.ISO_INSTANT.format(now));
          nextMeta.setDeletionGracePeriodSeconds(0L);
        } else {
          nextMeta.setDeletionGracePeriodSeconds(0L);
        }
        byte[] bytes = storedBytes(next);
        if (Arrays.equals(bytes, stored.value()) && !start.fresh()) {
          start = read(key, name);
          continue;
        }
        if (Arrays.equals(bytes, stored.value()) || options.dryRun()) {
          return new DeleteResult<>(options.dryRun() ? next : current, false, 0);
        }
        long rev = wrote(storage.update(key, bytes, stored.modRevision()));
        nextMeta.setResourceVersion(Long.toString(rev));
        return new DeleteResult<>(next, false, rev);
      } catch (StorageException.RevisionMismatch e) {
        if (e.current() == null) {
          throw notFound(name);
        }
        if (attempt >= MAX_UNCONDITIONAL_RETRIES) {
          throw conflict(name);
        }
        start = new Current(e.current(), true);
      } catch (StorageException e) {
        throw StorageFailures.toApi(e);
      }
    }
  }

  private static void addPropagationFinalizer(List<String> finalizers, String policy) {
    if ("Orphan".equals(policy) && !finalizers.contains("orphan")) {
      finalizers.add("orphan");
    } else if ("Foreground".equals(policy) && !finalizers.contains("foregroundDeletion")) {
      finalizers.add("foregroundDeletion");
    }
  }

  /** An object being deleted whose last finalizer went away, and no grace period left to wait, is removed. */
  private boolean isDeletable(T obj) {
    ObjectMeta m = obj.getMetadata();
    return m.getDeletionTimestamp() != null && nullToEmpty(m.getFinalizers()).isEmpty()
        && strategy.deletionBlockers(obj).isEmpty()
        && (m.getDeletionGracePeriodSeconds() == null || m.getDeletionGracePeriodSeconds() == 0);
  }

  // ---------------------------------------------------------------- watch

  /**
   * Streams changes after {@code fromRevision} (0: list the current state as ADDED events first), translating
   * selector matches into ADDED/MODIFIED/DELETED as upstream does when an object moves into or out of a selection.
   */
  public StorageWatch watch(String namespace, ListOptions filter, long fromRevision, WatchListener<T> listener) {
    long start = fromRevision;
    if (start <= 0) {
      // The current state as ADDED events, item by item (a watch of 10,000 pods need not hold them all).
      ListPage<T> initial = list(namespace, new ListOptions(filter.labels(), filter.fields(), 0, null, null, null),
          new ListSink<>() {
            private long revision;

            @Override
            public void start(long resourceVersion) {
              revision = resourceVersion;
            }

            @Override
            public void item(T item) {
              listener.onEvent(new WatchEvent<>("ADDED", item, revision));
            }
          });
      start = initial.resourceVersion();
    }
    WatchCache<T> cache = watchCache;
    if (cache != null) {
      StorageWatch cached = cache.register(prefix(namespace), filter, start, listener);
      if (cached != null) {
        return cached;
      }
    }
    // Without a cache (or from before its window) a direct etcd watch, translated exactly as the cache does.
    WatchCache.Watcher<T> direct = new WatchCache.Watcher<>(this, prefix(namespace), filter, start, listener);
    return storage.watch(prefix(namespace), start, StorageWatchListener.of(events -> {
      for (StorageEvent e : events) {
        direct.deliver(new WatchCache.Change<>(this, e));
      }
    }, listener::onProgress, listener::onError));
  }

  /** Receives the events of {@link #watch}. */
  public interface WatchListener<T> {
    void onEvent(WatchEvent<T> event);

    default void onProgress(long revision) {}

    void onError(Throwable error);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * How this resource's objects are read from and written to storage when they are stored in another version of
   * the same resource (autoscaling/v1 HorizontalPodAutoscalers are stored as autoscaling/v2, as upstream stores
   * every version in one storage version). Lists and watches of such a resource never take the stored bytes as
   * they are: their apiVersion differs, so {@link StoredJson} declines and the objects are decoded through this.
   */
  public interface StorageConversion<T extends HasMetadata> {
    /** The stored bytes (the storage version's JSON, without resourceVersion) as this version's object. */
    T fromStorage(byte[] stored);

    /** This version's object as the storage version's (metadata carried over, resourceVersion included). */
    HasMetadata toStorage(T object);
  }

  /** Stores this resource's objects in another version (see {@link StorageConversion}). */
  public void setStorageConversion(StorageConversion<T> conversion) {
    this.conversion = conversion;
  }

  /**
   * An object of this version as another version of the same stored resource sees it (through the storage
   * version, as upstream converts for admission's matchPolicy Equivalent).
   */
  @SuppressWarnings("unchecked")
  public HasMetadata convertTo(HasMetadata object, GenericStore<? extends HasMetadata> other) {
    HasMetadata stored = conversion == null ? object : conversion.toStorage((T) object);
    byte[] bytes = Json.bytes(stored);
    HasMetadata out = other.conversion == null ? Json.read(bytes, other.type()) : other.conversion.fromStorage(bytes);
    out.setApiVersion(other.definition.apiVersion());
    return out;
  }

  private VersionedJson encodeForStorage(T object) {
    return VersionedJson.encode(conversion == null ? object : conversion.toStorage(object));
  }

  public T decode(StoredValue v) {
    return decode(v.value(), v.modRevision());
  }

  T decode(byte[] bytes, long revision) {
    T obj = conversion == null ? Json.read(bytes, type()) : conversion.fromStorage(bytes);
    obj.getMetadata().setResourceVersion(Long.toString(revision));
    // Custom resources may be stored in another served version; with conversion "None" only apiVersion differs.
    obj.setApiVersion(definition.apiVersion());
    if (strategy.defaultsOnRead()) {
      strategy.defaultOnRead(obj);
    }
    return obj;
  }

  /**
   * The bytes stored in etcd: the object without its resourceVersion (etcd's revision is the version). The field is
   * cleared for the serialization and put back, instead of serializing a copy.
   */
  private byte[] storedBytes(T obj) {
    if (conversion != null) {
      return encodeForStorage(obj).stored();
    }
    ObjectMeta meta = obj.getMetadata();
    String rv = meta.getResourceVersion();
    meta.setResourceVersion(null);
    try {
      return Json.bytes(obj);
    } finally {
      meta.setResourceVersion(rv);
    }
  }

  private ObjectMeta metadataOf(T object) {
    if (object.getMetadata() == null) {
      object.setMetadata(new ObjectMeta());
    }
    return object.getMetadata();
  }

  private T withStatus(T object, JsonNode status) {
    if (status == null || status.isNull()) {
      Method clear = statusSetter();
      if (clear != null) {
        try {
          clear.invoke(object, (Object) null);
          return object;
        } catch (ReflectiveOperationException e) {
          // fall back to the tree below
        }
      }
    }
    ObjectNode tree = Json.tree(object);
    if (status == null || status.isNull()) {
      tree.remove("status");
    } else {
      tree.set("status", status);
    }
    return Json.convert(tree, type());
  }

  /**
   * The model's {@code setStatus}, to drop a status without a JSON round trip (null for types without a typed status,
   * such as custom resources, whose status lives in the generic tree).
   */
  private Method statusSetter() {
    Optional<Method> m = statusSetter;
    if (m == null) {
      Method found = null;
      for (Method candidate : type().getMethods()) {
        if (candidate.getName().equals("setStatus") && candidate.getParameterCount() == 1
            && !candidate.getParameterTypes()[0].isPrimitive()) {
          found = candidate;
          break;
        }
      }
      m = Optional.ofNullable(found);
      statusSetter = m;
    }
    return m.orElse(null);
  }

  private JsonNode statusOf(T object) {
    return Json.tree(object).get("status");
  }

  private void checkNamespace(String namespace, ObjectMeta meta) {
    if (definition.namespaced()) {
      if (meta.getNamespace() != null && !meta.getNamespace().isEmpty() && !meta.getNamespace().equals(namespace)) {
        throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
            + "the request");
      }
      meta.setNamespace(namespace);
    } else {
      meta.setNamespace(null);
    }
  }

  private void validateCreate(T object) {
    List<FieldError> errors = new ArrayList<>(ObjectMetaValidator.validate(object.getMetadata(), definition,
        strategy.nameRule()));
    errors.addAll(strategy.validate(object));
    failIfInvalid(object, errors);
  }

  private void validateUpdate(T object, T old) {
    List<FieldError> errors = new ArrayList<>(ObjectMetaValidator.validate(object.getMetadata(), definition,
        strategy.nameRule()));
    errors.addAll(strategy.validateUpdate(object, old));
    failIfInvalid(object, errors);
  }

  private void failIfInvalid(T object, List<FieldError> errors) {
    if (!errors.isEmpty()) {
      String name = object.getMetadata().getName();
      if (name == null || name.isEmpty()) {
        name = Objects.toString(object.getMetadata().getGenerateName(), "");
      }
      throw ApiException.invalid(definition.group(), definition.kind(), name, errors);
    }
  }

  private String generateName(String base) {
    // Upstream trims the base so that base + 5 random characters stay within 63 characters.
    String trimmed = base.length() > 58 ? base.substring(0, 58) : base;
    StringBuilder sb = new StringBuilder(trimmed);
    for (int i = 0; i < 5; i++) {
      sb.append(GENERATE_ALPHABET.charAt(RANDOM.nextInt(GENERATE_ALPHABET.length())));
    }
    return sb.toString();
  }

  private String now() {
    return DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
  }

  private static long parseResourceVersion(String rv) {
    try {
      long v = Long.parseLong(rv);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException | NullPointerException e) {
      throw ApiException.badRequest("invalid resource version \"" + rv + "\"");
    }
  }

  private ApiException notFound(String name) {
    return ApiException.notFound(definition.group(), definition.resource(), name);
  }

  private ApiException conflict(String name) {
    return ApiException.modified(definition.group(), definition.resource(), name);
  }

  private static <E> List<E> nullToEmpty(List<E> list) {
    return list == null ? List.of() : list;
  }

  /** Exposed for the HTTP layer, which turns a watch start revision into events. */
  public static long parseRevision(String rv) {
    return parseResourceVersion(rv);
  }
}
