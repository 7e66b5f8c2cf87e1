package io.quarkube.controllers.manager;

import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ControllerContext;
import java.util.function.Function;

/** One controller the manager can run: its {@code --controllers} name, default state and how to build it. */
public record ControllerDescriptor(String name, boolean onByDefault, Function<ControllerContext, Controller<?>> factory) {
}
